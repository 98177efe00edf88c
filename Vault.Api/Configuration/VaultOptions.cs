using Vault.Crypto.Kdf;

namespace Vault.Api.Configuration;

/// <summary>
/// The vault's configuration, filled from the environment variables of docs/API.md by <see cref="VaultOptionsSetup"/>
/// and checked by <see cref="VaultOptionsValidator"/>. Each default is stated here and nowhere else.
/// </summary>
public sealed class VaultOptions
{
    public const string DefaultDatabase = "data/vault.db";
    public const string DefaultPublicBaseUrl = "http://127.0.0.1:8080";

    /// <summary>Where the vault listens without ASPNETCORE_URLS: every interface, the port fly.toml routes to.</summary>
    public const string DefaultListenUrl = "http://0.0.0.0:8080";

    public string Database { get; set; } = DefaultDatabase;

    /// <summary>PostgreSQL only: the tables' owner, used to migrate them and grant the serving role (VAULT_DATABASE_OWNER).</summary>
    public string? DatabaseOwner { get; set; }
    public Uri PublicBaseUrl { get; set; } = new(DefaultPublicBaseUrl);
    public string CookieEncryptionKey { get; set; } = "";
    public string? JwtSecret { get; set; }
    public Uri? JwksEndpoint { get; set; }
    public string? JwtIssuer { get; set; }
    public string? JwtAudience { get; set; }
    public string JwtTenantClaim { get; set; } = "tenant";
    public string? SpApiAppId { get; set; }
    public string? SpApiClientId { get; set; }
    public string? SpApiClientSecret { get; set; }
    public bool SpApiDraftApp { get; set; }
    public string? AdsClientId { get; set; }
    public string? AdsClientSecret { get; set; }

    /// <summary>The secret a rotation replaces, tried once on invalid_client (SPAPI_LWA_CLIENT_SECRET_PREVIOUS, ADS_LWA_CLIENT_SECRET_PREVIOUS).</summary>
    public string? SpApiClientSecretPrevious { get; set; }
    public string? AdsClientSecretPrevious { get; set; }

    /// <summary>Automatic LWA client-secret rotation (opt-in): the SQS queue Amazon publishes the app's new secret on (SPAPI_ROTATION_QUEUE_URL).</summary>
    public Uri? RotationQueueUrl { get; set; }

    /// <summary>Seals the rotated client secret in the database (VAULT_APP_SECRET_KEY, 64 characters; required with SPAPI_ROTATION_QUEUE_URL).</summary>
    public string? AppSecretKey { get; set; }

    /// <summary>Rotate when the secret's known expiry is this close (SPAPI_ROTATE_BEFORE_DAYS).</summary>
    public int RotateBeforeDays { get; set; } = 30;

    public bool RotatesClientSecret => RotationQueueUrl is not null;
    public IReadOnlyList<string> AllowedRedirectOrigins { get; set; } = [];
    public string? AmazonEndpointOverride { get; set; }

    /// <summary>Peers trusted to name the client (TRUSTED_PROXIES); a single address is a /32 or /128 network.</summary>
    public IReadOnlyList<System.Net.IPNetwork> TrustedProxies { get; set; } = [];

    /// <summary>The one header that names the client (CLIENT_IP_HEADER, Fly-Client-IP on Fly.io); X-Forwarded-For when unset.</summary>
    public string? ClientIpHeader { get; set; }

    /// <summary>Whether any forwarding header is read at all: never unless configured.</summary>
    public bool ReadsClientFromHeader => TrustedProxies.Count > 0 || ClientIpHeader is not null;
    public KdfParameters Kdf { get; set; } = ScryptParameters.Default;

    /// <summary>One try at Amazon, then the whole call with its retries (AMAZON_ATTEMPT_TIMEOUT_MS, AMAZON_TOTAL_TIMEOUT_MS).</summary>
    public TimeSpan AmazonAttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan AmazonTotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a host's circuit stays open after it failed (AMAZON_CIRCUIT_BREAK_MS).</summary>
    public TimeSpan AmazonCircuitBreak { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether proxied SP-API calls are paced to Amazon's usage plans (AMAZON_PACING; docs/API.md "Pacing").</summary>
    public bool AmazonPacing { get; set; } = true;

    /// <summary>Where lifecycle events are delivered (WEBHOOK_URL), signed with WEBHOOK_SECRET; no delivery when unset.</summary>
    public Uri? WebhookUrl { get; set; }
    public string? WebhookSecret { get; set; }

    public Uri CallbackUri => new(PublicBaseUrl, "oauth/callback");

    public bool UsesHttps => PublicBaseUrl.Scheme == Uri.UriSchemeHttps;
}
