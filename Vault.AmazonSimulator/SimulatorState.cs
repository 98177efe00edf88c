using Vault.AmazonSimulator.Controls;
using Vault.AmazonSimulator.Grantless;
using Vault.AmazonSimulator.Lwa;
using Vault.AmazonSimulator.SpApi;

namespace Vault.AmazonSimulator;

/// <summary>
/// Everything the simulated Amazon remembers, shared by all requests (a DI singleton). Each part
/// is thread-safe on its own. Tests reach it through <c>app.Services</c>.
/// </summary>
public sealed class SimulatorState
{
    public SimulatorState(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Codes = new AuthorizationCodes(options.TimeProvider);
        Tokens = new TokenStore(options.TimeProvider, options.AccessTokenLifetime);
        RestrictedDataTokens = new RestrictedDataTokens(options.TimeProvider);
        RateLimits = new RateLimits(options);
        ClientSecrets = new AcceptedClientSecrets(options);
    }

    public SimulatorOptions Options { get; }

    /// <summary>Authorization codes (<c>code</c>, <c>spapi_oauth_code</c>) awaiting exchange.</summary>
    public AuthorizationCodes Codes { get; }

    /// <summary>Refresh and access tokens, with revocations.</summary>
    public TokenStore Tokens { get; }

    public RestrictedDataTokens RestrictedDataTokens { get; }

    public RateLimits RateLimits { get; }

    /// <summary>The client secrets LWA accepts now (a rotation changes them).</summary>
    public AcceptedClientSecrets ClientSecrets { get; }

    public FaultInjection Faults { get; } = new();

    public CallLog Calls { get; } = new();

    /// <summary>Notification destinations (grantless Notifications API), per application and region.</summary>
    public Destinations Destinations { get; } = new();

    /// <summary>What the developer console knows of each app: refused grantless scopes, the rotation queue.</summary>
    public Applications Applications { get; } = new();

    /// <summary>
    /// A refresh token as if the seller had self-authorized the app in Seller Central. SP-API
    /// tokens belong to a selling partner (random unless given); Ads tokens have none.
    /// </summary>
    public (string RefreshToken, string? SellingPartnerId) IssueRefreshToken(string clientId, string? sellingPartnerId = null)
    {
        var client = Options.FindClient(clientId) ?? throw new ArgumentException($"Unknown LWA client {clientId}.", nameof(clientId));
        var seller = client.Kind == LwaClientKind.SpApi ? sellingPartnerId ?? TokenValues.NewSellingPartnerId() : sellingPartnerId;
        return (Tokens.IssueRefreshToken(client.ClientId, seller), seller);
    }

    /// <summary>As if the seller removed the app: the refresh token now gets <c>invalid_grant</c>.</summary>
    public bool Revoke(string refreshToken) => Tokens.Revoke(refreshToken);

    public void Reset()
    {
        Codes.Clear();
        Tokens.Clear();
        RestrictedDataTokens.Clear();
        RateLimits.Clear();
        Faults.Clear();
        Calls.Clear();
        Destinations.Clear();
        Applications.Clear();
        ClientSecrets.Reset();
    }
}
