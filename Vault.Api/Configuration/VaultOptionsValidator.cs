using System.Text;
using Microsoft.Extensions.Options;
using Vault.Crypto;
using Vault.Storage;

namespace Vault.Api.Configuration;

/// <summary>
/// Names every problem of the configuration on one line, never repeating a secret, so a bad deployment fails fast and
/// says why: the server refuses to start with any (ValidateOnStart), check-config prints them.
/// </summary>
internal sealed class VaultOptionsValidator(VaultOptionsSetup setup) : IValidateOptions<VaultOptions>
{
    public ValidateOptionsResult Validate(string? name, VaultOptions options)
    {
        // Values that are not of their kind are found where they are parsed; read again here only to name them.
        var problems = setup.Read(new VaultOptions());
        if (options.CookieEncryptionKey.Length == 0)
            problems.Add("COOKIE_ENCRYPTION_KEY is missing: set it to 64 random characters (openssl rand -hex 32)");
        else if (options.CookieEncryptionKey.Length != PayloadSealer.CookieKeyLength)
            problems.Add($"COOKIE_ENCRYPTION_KEY must be exactly 64 characters (it has {options.CookieEncryptionKey.Length})");
        if (setup["ALLOWED_REDIRECT_ORIGINS"] is null)
            problems.Add("ALLOWED_REDIRECT_ORIGINS is missing: list the origins sellers may be sent back to (https://wms.example.com)");
        Callers(options, problems);
        AmazonApplications(options, problems);
        Webhooks(options, problems);
        RotationSettings.Validate(options, problems);
        if (options.DatabaseOwner is not null && !VaultStoreFactory.IsPostgres(options.Database))
            problems.Add("VAULT_DATABASE_OWNER is set but VAULT_DATABASE is a SQLite path: the owner role applies to PostgreSQL only");
        else if (options.DatabaseOwner is not null && !VaultStoreFactory.IsPostgres(options.DatabaseOwner))
            problems.Add("VAULT_DATABASE_OWNER must be a PostgreSQL connection string (Host=… or postgresql://…)");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private void Callers(VaultOptions options, List<string> problems)
    {
        // A malformed JWKS_ENDPOINT is its own line; it does not also count as "no JWT configuration".
        var jwks = setup["JWKS_ENDPOINT"] is not null;
        if (!jwks && options.JwtSecret is null)
            problems.Add("JWT_SECRET or JWKS_ENDPOINT must be set: callers authenticate with a JWT");
        else if (!jwks && Encoding.UTF8.GetByteCount(options.JwtSecret!) is var secretBytes and < 32)
            problems.Add($"JWT_SECRET must be at least 32 bytes for HS256 (it has {secretBytes})");
        if (options.JwksEndpoint is { } endpoint && endpoint.Scheme != Uri.UriSchemeHttps && !endpoint.IsLoopback)
            problems.Add("JWKS_ENDPOINT must be https (http only on loopback)");
        // An identity provider signs tokens for every application it serves: without both checks, any of them with a
        // matching scope claim would be a caller of the vault.
        if (jwks && options.JwtAudience is null)
            problems.Add("JWT_AUDIENCE is missing: JWKS_ENDPOINT is set, so tokens must name the vault as their audience (the aud your identity provider issues for it)");
        if (jwks && options.JwtIssuer is null)
            problems.Add("JWT_ISSUER is missing: JWKS_ENDPOINT is set, so tokens must come from your identity provider (its iss value)");
    }

    private void Webhooks(VaultOptions options, List<string> problems)
    {
        if ((setup["WEBHOOK_URL"] is null) != (options.WebhookSecret is null))
            problems.Add("WEBHOOK_URL and WEBHOOK_SECRET must be set together");
        if (options.WebhookSecret is not null && !Events.WebhookSigner.IsValidSecret(options.WebhookSecret))
            problems.Add("WEBHOOK_SECRET must be whsec_ followed by the base64 of 24 to 64 random bytes (whsec_$(openssl rand -base64 32))");
    }

    private static void AmazonApplications(VaultOptions options, List<string> problems)
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
}
