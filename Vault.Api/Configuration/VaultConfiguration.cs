using System.Text;
using Vault.Crypto;

namespace Vault.Api.Configuration;

/// <summary>
/// Reads <see cref="VaultOptions"/> from configuration (environment variables by their docs/API.md names) and
/// names every problem on one line each, so a bad deployment fails fast and says why.
/// </summary>
public static class VaultConfiguration
{
    public static (VaultOptions Options, IReadOnlyList<string> Problems) Read(IConfiguration config)
    {
        var problems = new List<string>();
        string? Get(string name) => config[name] is { Length: > 0 } value ? value.Trim() : null;

        var cookieKey = Get("COOKIE_ENCRYPTION_KEY");
        if (cookieKey is null)
            problems.Add("COOKIE_ENCRYPTION_KEY is missing: set it to 64 random characters (openssl rand -hex 32)");
        else if (cookieKey.Length != PayloadSealer.CookieKeyLength)
            problems.Add($"COOKIE_ENCRYPTION_KEY must be exactly 64 characters (it has {cookieKey.Length})");

        var publicBase = ParseUrl(Get("PUBLIC_BASE_URL") ?? "http://127.0.0.1:8080", "PUBLIC_BASE_URL", problems);
        // A malformed JWKS_ENDPOINT is its own line; it does not also count as "no JWT configuration".
        var jwksText = Get("JWKS_ENDPOINT");
        var jwks = jwksText is null ? null : ParseJwksUrl(jwksText, problems);
        var jwtSecret = Get("JWT_SECRET");
        if (jwksText is null && jwtSecret is null)
            problems.Add("JWT_SECRET or JWKS_ENDPOINT must be set: callers authenticate with a JWT");
        else if (jwksText is null && Encoding.UTF8.GetByteCount(jwtSecret!) is var secretBytes and < 32)
            problems.Add($"JWT_SECRET must be at least 32 bytes for HS256 (it has {secretBytes})");
        if (jwks is not null && jwks.Scheme != Uri.UriSchemeHttps && !jwks.IsLoopback)
            problems.Add("JWKS_ENDPOINT must be https (http only on loopback)");
        var issuer = Get("JWT_ISSUER");
        var audience = Get("JWT_AUDIENCE");
        // An identity provider signs tokens for every application it serves: without both checks, any of them with a
        // matching scope claim would be a caller of the vault.
        if (jwksText is not null && audience is null)
            problems.Add("JWT_AUDIENCE is missing: JWKS_ENDPOINT is set, so tokens must name the vault as their audience (the aud your identity provider issues for it)");
        if (jwksText is not null && issuer is null)
            problems.Add("JWT_ISSUER is missing: JWKS_ENDPOINT is set, so tokens must come from your identity provider (its iss value)");

        var tenantClaim = Get("JWT_TENANT_CLAIM") ?? "tenant";
        var origins = ReadOrigins(Get("ALLOWED_REDIRECT_ORIGINS"), problems);

        var endpointOverride = Get("AMAZON_ENDPOINT_OVERRIDE");
        // On Linux "/x/{host}" parses as an absolute file: URI, so the scheme is checked too.
        if (endpointOverride is not null && (!endpointOverride.Contains("{host}", StringComparison.Ordinal)
            || !Uri.TryCreate(endpointOverride.Replace("{host}", "h", StringComparison.Ordinal), UriKind.Absolute, out var overrideUri)
            || overrideUri.Scheme != Uri.UriSchemeHttp && overrideUri.Scheme != Uri.UriSchemeHttps))
            problems.Add("AMAZON_ENDPOINT_OVERRIDE must be a URL template containing {host}, e.g. http://127.0.0.1:9000/{host}");

        var draft = Get("SPAPI_DRAFT_APP");
        if (draft is not null && !bool.TryParse(draft, out _))
            problems.Add("SPAPI_DRAFT_APP must be true or false");

        var database = Get("VAULT_DATABASE") ?? "data/vault.db";
        var databaseOwner = Get("VAULT_DATABASE_OWNER");
        if (databaseOwner is not null && !Vault.Storage.VaultStoreFactory.IsPostgres(database))
            problems.Add("VAULT_DATABASE_OWNER is set but VAULT_DATABASE is a SQLite path: the owner role applies to PostgreSQL only");
        else if (databaseOwner is not null && !Vault.Storage.VaultStoreFactory.IsPostgres(databaseOwner))
            problems.Add("VAULT_DATABASE_OWNER must be a PostgreSQL connection string (Host=… or postgresql://…)");

        var options = new VaultOptions
        {
            Database = database,
            DatabaseOwner = databaseOwner,
            PublicBaseUrl = publicBase ?? new Uri("http://127.0.0.1:8080"),
            CookieEncryptionKey = cookieKey ?? "",
            JwtSecret = jwtSecret,
            JwksEndpoint = jwks,
            JwtIssuer = issuer,
            JwtAudience = audience,
            JwtTenantClaim = tenantClaim,
            SpApiAppId = Get("SPAPI_APP_ID"),
            SpApiClientId = Get("SPAPI_LWA_CLIENT_ID"),
            SpApiClientSecret = Get("SPAPI_LWA_CLIENT_SECRET"),
            SpApiDraftApp = draft is not null && bool.TryParse(draft, out var isDraft) && isDraft,
            AdsClientId = Get("ADS_LWA_CLIENT_ID"),
            AdsClientSecret = Get("ADS_LWA_CLIENT_SECRET"),
            AllowedRedirectOrigins = origins,
            TrustedProxies = ProxyTrust.Read(Get("TRUSTED_PROXIES"), problems),
            ClientIpHeader = ProxyTrust.ReadHeader(Get("CLIENT_IP_HEADER"), problems),
            AmazonEndpointOverride = endpointOverride,
            AmazonAttemptTimeout = Milliseconds(Get("AMAZON_ATTEMPT_TIMEOUT_MS"), "AMAZON_ATTEMPT_TIMEOUT_MS", TimeSpan.FromSeconds(10), problems),
            AmazonTotalTimeout = Milliseconds(Get("AMAZON_TOTAL_TIMEOUT_MS"), "AMAZON_TOTAL_TIMEOUT_MS", TimeSpan.FromSeconds(30), problems),
            AmazonCircuitBreak = Milliseconds(Get("AMAZON_CIRCUIT_BREAK_MS"), "AMAZON_CIRCUIT_BREAK_MS", TimeSpan.FromSeconds(15), problems),
        };
        RequirePairs(options, problems);
        return (options, problems);
    }

    private static void RequirePairs(VaultOptions options, List<string> problems)
    {
        if ((options.SpApiClientId is null) != (options.SpApiClientSecret is null))
            problems.Add("SPAPI_LWA_CLIENT_ID and SPAPI_LWA_CLIENT_SECRET must be set together");
        if ((options.AdsClientId is null) != (options.AdsClientSecret is null))
            problems.Add("ADS_LWA_CLIENT_ID and ADS_LWA_CLIENT_SECRET must be set together");
        if (options.SpApiClientId is null && options.AdsClientId is null)
            problems.Add("no Amazon application is configured: set SPAPI_LWA_CLIENT_ID/SECRET (with SPAPI_APP_ID) or ADS_LWA_CLIENT_ID/SECRET");
        if (options.SpApiClientId is not null && options.SpApiAppId is null)
            problems.Add("SPAPI_APP_ID is missing: the SP-API consent page needs the application id");
    }

    private static TimeSpan Milliseconds(string? text, string name, TimeSpan fallback, List<string> problems)
    {
        if (text is null)
            return fallback;
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms is >= 10 and <= 600_000)
            return TimeSpan.FromMilliseconds(ms);
        problems.Add($"{name} must be a whole number of milliseconds between 10 and 600000");
        return fallback;
    }

    private static Uri? ParseUrl(string text, string name, List<string> problems)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.UserInfo) && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
        {
            // A trailing slash makes relative resolution keep any base path (https://host/vault/ + oauth/callback).
            return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
        }
        problems.Add($"{name} must be an absolute http(s) URL without credentials, query or fragment");
        return null;
    }

    /// <summary>The IdP's key document, fetched exactly as given: unlike a base URL it gets no trailing slash (…/jwks.json/ is a 404).</summary>
    private static Uri? ParseJwksUrl(string text, List<string> problems)
    {
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.UserInfo) && string.IsNullOrEmpty(uri.Fragment))
            return uri;
        problems.Add("JWKS_ENDPOINT must be an absolute http(s) URL without credentials or fragment");
        return null;
    }

    private static List<string> ReadOrigins(string? text, List<string> problems)
    {
        var origins = new List<string>();
        if (text is null)
        {
            problems.Add("ALLOWED_REDIRECT_ORIGINS is missing: list the origins sellers may be sent back to (https://wms.example.com)");
            return origins;
        }
        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (RedirectOrigin.TryNormalize(entry, out var origin) && string.Equals(origin, entry.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
                origins.Add(origin);
            else
                problems.Add($"ALLOWED_REDIRECT_ORIGINS entry '{entry}' is not an origin (scheme://host[:port], https unless loopback)");
        }
        if (origins.Count == 0 && !problems.Any(p => p.StartsWith("ALLOWED_REDIRECT_ORIGINS", StringComparison.Ordinal)))
            problems.Add("ALLOWED_REDIRECT_ORIGINS lists no origin: sellers could never be sent back");
        return origins;
    }
}
