using Vault.AmazonSimulator;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Crypto.Kdf;
using Vault.Storage;

namespace Vault.Tests.Support;

/// <summary>Puts a connection straight into the store: a real simulator refresh token sealed under a fresh secret, with the vault's KDF unless given.</summary>
public static class Seed
{
    public sealed record Seeded(string Secret, string RefreshToken, string SellingPartnerId);

    public static async Task<Seeded> ConnectionAsync(VaultHarness vault, string sellerId, string api = "sp-api", string region = "na", string tenant = "default", KdfParameters? kdf = null)
    {
        var clientId = api == "ads" ? SimulatorOptions.DefaultAdsClientId : SimulatorOptions.DefaultSpApiClientId;
        var (refreshToken, sellingPartnerId) = vault.Simulator.State.IssueRefreshToken(clientId, api == "ads" ? null : "A" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant());
        var secretText = SellerSecret.Generate();
        using var secret = SellerSecret.Parse(secretText);
        var blob = V1Envelope.Seal(refreshToken, secret, new TokenBinding(tenant, sellerId, api), kdf ?? vault.Kdf);
        var now = DateTimeOffset.UtcNow;
        await vault.Store.UpsertConnectionAsync(
            new Connection(tenant, sellerId, api, region, sellingPartnerId, ConnectionStatus.Active, TokenFormats.V1, blob, now, now, null),
            new AuditEvent(tenant, "test.seeded", "test", sellerId, api, region));
        TestSecrets.Add("seller-secret", secretText);
        TestSecrets.Add("refresh-token", refreshToken);
        return new Seeded(secretText, refreshToken, sellingPartnerId ?? "");
    }
}
