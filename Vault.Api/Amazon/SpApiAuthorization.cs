namespace Vault.Api.Amazon;

/// <summary>
/// How long a seller's consent to a public SP-API application lasts: "the selling partner must re-authorize your public
/// application every 365 days" (https://developer-docs.amazon.com/sp-api/docs/renew-authorizations). Ads API consents
/// do not expire this way. The notice days are the vault's choice (issue 15).
/// </summary>
public static class SpApiAuthorization
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    public static readonly int[] RenewalNoticeDays = [30, 7, 1];

    /// <summary>When the first renewal notice is due: 30 days before the authorization ends.</summary>
    public static DateTimeOffset RenewalDueAt(DateTimeOffset authorizedAt) => authorizedAt + Lifetime - TimeSpan.FromDays(RenewalNoticeDays.Max());
}
