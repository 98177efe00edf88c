using Vault.Crypto.Kdf;

namespace Vault.Api.Configuration;

/// <summary>The vault's configuration, read from the environment variables of docs/API.md and validated once at start.</summary>
public sealed class VaultOptions
{
    public string Database { get; init; } = "data/vault.db";

    /// <summary>PostgreSQL only: the tables' owner, used to migrate them and grant the serving role (VAULT_DATABASE_OWNER).</summary>
    public string? DatabaseOwner { get; init; }
    public Uri PublicBaseUrl { get; init; } = new("http://127.0.0.1:8080");
    public string CookieEncryptionKey { get; init; } = "";
    public string? JwtSecret { get; init; }
    public Uri? JwksEndpoint { get; init; }
    public string? JwtIssuer { get; init; }
    public string? JwtAudience { get; init; }
    public string JwtTenantClaim { get; init; } = "tenant";
    public string? SpApiAppId { get; init; }
    public string? SpApiClientId { get; init; }
    public string? SpApiClientSecret { get; init; }
    public bool SpApiDraftApp { get; init; }
    public string? AdsClientId { get; init; }
    public string? AdsClientSecret { get; init; }
    public IReadOnlyList<string> AllowedRedirectOrigins { get; init; } = [];
    public string? AmazonEndpointOverride { get; init; }

    /// <summary>Peers trusted to name the client (TRUSTED_PROXIES); a single address is a /32 or /128 network.</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>The one header that names the client (CLIENT_IP_HEADER, Fly-Client-IP on Fly.io); X-Forwarded-For when unset.</summary>
    public string? ClientIpHeader { get; init; }

    /// <summary>Whether any forwarding header is read at all: never unless configured.</summary>
    public bool ReadsClientFromHeader => TrustedProxies.Count > 0 || ClientIpHeader is not null;
    public KdfParameters Kdf { get; init; } = ScryptParameters.Default;

    /// <summary>One try at Amazon, then the whole call with its retries (AMAZON_ATTEMPT_TIMEOUT_MS, AMAZON_TOTAL_TIMEOUT_MS).</summary>
    public TimeSpan AmazonAttemptTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan AmazonTotalTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a host's circuit stays open after it failed (AMAZON_CIRCUIT_BREAK_MS).</summary>
    public TimeSpan AmazonCircuitBreak { get; init; } = TimeSpan.FromSeconds(15);

    public Uri CallbackUri => new(PublicBaseUrl, "oauth/callback");

    public bool UsesHttps => PublicBaseUrl.Scheme == Uri.UriSchemeHttps;
}
