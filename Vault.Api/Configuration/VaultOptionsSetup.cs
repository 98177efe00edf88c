using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;

namespace Vault.Api.Configuration;

/// <summary>
/// Fills <see cref="VaultOptions"/> from the environment variables of docs/API.md (trimmed; empty means unset). A value
/// that is not of its kind keeps the default and is named by <see cref="Read"/>, which <see cref="VaultOptionsValidator"/>
/// reports: each setting is parsed in this one place.
/// </summary>
internal sealed class VaultOptionsSetup(IConfiguration configuration) : IConfigureOptions<VaultOptions>
{
    public void Configure(VaultOptions options) => Read(options);

    /// <summary>The setting as the vault reads it: trimmed, null when unset or empty.</summary>
    public string? this[string name] => configuration[name] is { Length: > 0 } value ? value.Trim() : null;

    /// <summary>Fills <paramref name="options"/> and names, one line each, the values that are not of their kind.</summary>
    public List<string> Read(VaultOptions options)
    {
        var problems = new List<string>();
        options.Database = this["VAULT_DATABASE"] ?? options.Database;
        options.DatabaseOwner = this["VAULT_DATABASE_OWNER"];
        options.PublicBaseUrl = BaseUrl(this["PUBLIC_BASE_URL"], problems) ?? options.PublicBaseUrl;
        options.CookieEncryptionKey = this["COOKIE_ENCRYPTION_KEY"] ?? "";
        options.JwtSecret = this["JWT_SECRET"];
        options.JwksEndpoint = JwksUrl(this["JWKS_ENDPOINT"], problems);
        options.JwtIssuer = this["JWT_ISSUER"];
        options.JwtAudience = this["JWT_AUDIENCE"];
        options.JwtTenantClaim = this["JWT_TENANT_CLAIM"] ?? options.JwtTenantClaim;
        options.AllowedRedirectOrigins = Entries<string>("ALLOWED_REDIRECT_ORIGINS", RedirectOrigin.TryParseAllowed, "origin: sellers could never be sent back", problems);
        options.AmazonEndpointOverride = EndpointTemplate(this["AMAZON_ENDPOINT_OVERRIDE"], problems);
        options.SpApiAppId = this["SPAPI_APP_ID"];
        options.SpApiClientId = this["SPAPI_LWA_CLIENT_ID"];
        options.SpApiClientSecret = this["SPAPI_LWA_CLIENT_SECRET"];
        options.SpApiDraftApp = Flag("SPAPI_DRAFT_APP", problems) ?? options.SpApiDraftApp;
        options.AdsClientId = this["ADS_LWA_CLIENT_ID"];
        options.AdsClientSecret = this["ADS_LWA_CLIENT_SECRET"];
        options.SpApiClientSecretPrevious = this["SPAPI_LWA_CLIENT_SECRET_PREVIOUS"];
        options.AdsClientSecretPrevious = this["ADS_LWA_CLIENT_SECRET_PREVIOUS"];
        options.RotationQueueUrl = RotationSettings.QueueUrl(this["SPAPI_ROTATION_QUEUE_URL"], problems);
        options.AppSecretKey = this["VAULT_APP_SECRET_KEY"];
        options.RotateBeforeDays = RotationSettings.Days(this["SPAPI_ROTATE_BEFORE_DAYS"], problems) ?? options.RotateBeforeDays;
        options.TrustedProxies = Entries<IPNetwork>("TRUSTED_PROXIES", ProxyTrust.TryParse,
            "address: name the proxies in front of the vault (10.0.0.5, 10.0.0.0/8) or unset it", problems);
        options.ClientIpHeader = ProxyTrust.ReadHeader(this["CLIENT_IP_HEADER"], problems);
        options.AmazonAttemptTimeout = Milliseconds("AMAZON_ATTEMPT_TIMEOUT_MS", problems) ?? options.AmazonAttemptTimeout;
        options.AmazonTotalTimeout = Milliseconds("AMAZON_TOTAL_TIMEOUT_MS", problems) ?? options.AmazonTotalTimeout;
        options.AmazonCircuitBreak = Milliseconds("AMAZON_CIRCUIT_BREAK_MS", problems) ?? options.AmazonCircuitBreak;
        options.AmazonPacing = Flag("AMAZON_PACING", problems) ?? options.AmazonPacing;
        options.WebhookUrl = WebhookUrl(this["WEBHOOK_URL"], problems);
        options.WebhookSecret = this["WEBHOOK_SECRET"];
        return problems;
    }

    private static Uri? WebhookUrl(string? text, List<string> problems)
    {
        if (text is null)
            return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            && string.IsNullOrEmpty(uri.UserInfo) && string.IsNullOrEmpty(uri.Fragment))
            return uri;
        problems.Add("WEBHOOK_URL must be an absolute https URL without credentials or fragment (http only on loopback)");
        return null;
    }

    private delegate bool EntryParser<T>(string entry, out T value, out string problem);

    /// <summary>A comma-separated list, read strictly: each bad entry is its own line, never skipped or guessed at.</summary>
    private List<T> Entries<T>(string name, EntryParser<T> parse, string none, List<string> problems)
    {
        var values = new List<T>();
        if (this[name] is not { } text)
            return values;
        var entries = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var entry in entries)
        {
            if (parse(entry, out var value, out var problem))
                values.Add(value);
            else
                problems.Add($"{name} entry '{entry}' {problem}");
        }
        if (entries.Length == 0)
            problems.Add($"{name} lists no {none}");
        return values;
    }

    private static Uri? BaseUrl(string? text, List<string> problems)
    {
        if (text is null)
            return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.UserInfo) && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment))
        {
            // A trailing slash makes relative resolution keep any base path (https://host/vault/ + oauth/callback).
            return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
        }
        problems.Add("PUBLIC_BASE_URL must be an absolute http(s) URL without credentials, query or fragment");
        return null;
    }

    /// <summary>The IdP's key document, fetched exactly as given: unlike a base URL it gets no trailing slash (…/jwks.json/ is a 404).</summary>
    private static Uri? JwksUrl(string? text, List<string> problems)
    {
        if (text is null)
            return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && string.IsNullOrEmpty(uri.UserInfo) && string.IsNullOrEmpty(uri.Fragment))
            return uri;
        problems.Add("JWKS_ENDPOINT must be an absolute http(s) URL without credentials or fragment");
        return null;
    }

    private static string? EndpointTemplate(string? text, List<string> problems)
    {
        // On Linux "/x/{host}" parses as an absolute file: URI, so the scheme is checked too.
        if (text is null || (text.Contains("{host}", StringComparison.Ordinal)
            && Uri.TryCreate(text.Replace("{host}", "h", StringComparison.Ordinal), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
            return text;
        problems.Add("AMAZON_ENDPOINT_OVERRIDE must be a URL template containing {host}, e.g. http://127.0.0.1:9000/{host}");
        return null;
    }

    private bool? Flag(string name, List<string> problems)
    {
        if (this[name] is not { } text)
            return null;
        if (bool.TryParse(text, out var flag))
            return flag;
        problems.Add($"{name} must be true or false");
        return null;
    }

    private TimeSpan? Milliseconds(string name, List<string> problems)
    {
        if (this[name] is not { } text)
            return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms is >= 10 and <= 600_000)
            return TimeSpan.FromMilliseconds(ms);
        problems.Add($"{name} must be a whole number of milliseconds between 10 and 600000");
        return null;
    }
}
