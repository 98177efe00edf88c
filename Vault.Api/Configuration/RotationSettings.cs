using System.Globalization;
using Vault.Crypto;

namespace Vault.Api.Configuration;

/// <summary>
/// The LWA client-secret settings of issue 16: the previous secrets of a manual rotation and the opt-in automatic
/// rotation from Amazon's SQS notifications. Parsed and checked here so VaultOptionsSetup and the validator each gain one line.
/// </summary>
internal static class RotationSettings
{
    public const int MaxRotateBeforeDays = 170;

    public static Uri? QueueUrl(string? text, List<string> problems)
    {
        if (text is null)
            return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            && string.IsNullOrEmpty(uri.UserInfo) && uri.AbsolutePath.Trim('/').Length > 0)
            return uri;
        problems.Add("SPAPI_ROTATION_QUEUE_URL must be the https URL of an SQS queue (https://sqs.us-east-1.amazonaws.com/123456789012/name; http only on loopback)");
        return null;
    }

    public static int? Days(string? text, List<string> problems)
    {
        if (text is null)
            return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= MaxRotateBeforeDays)
            return days;
        problems.Add($"SPAPI_ROTATE_BEFORE_DAYS must be a whole number of days between 1 and {MaxRotateBeforeDays} (Amazon's secrets live 180 days)");
        return null;
    }

    public static void Validate(VaultOptions options, List<string> problems)
    {
        if (options.SpApiClientSecretPrevious is not null && options.SpApiClientSecret is null)
            problems.Add("SPAPI_LWA_CLIENT_SECRET_PREVIOUS is set without SPAPI_LWA_CLIENT_SECRET: set the secret in use, then the one it replaces");
        if (options.AdsClientSecretPrevious is not null && options.AdsClientSecret is null)
            problems.Add("ADS_LWA_CLIENT_SECRET_PREVIOUS is set without ADS_LWA_CLIENT_SECRET: set the secret in use, then the one it replaces");
        if (options.AppSecretKey is { } key && key.Length != PayloadSealer.CookieKeyLength)
            problems.Add($"VAULT_APP_SECRET_KEY must be exactly 64 characters (it has {key.Length})");
        else if (options.AppSecretKey is not null && string.Equals(options.AppSecretKey, options.CookieEncryptionKey, StringComparison.Ordinal))
            problems.Add("VAULT_APP_SECRET_KEY must differ from COOKIE_ENCRYPTION_KEY: one key, one purpose");
        if (!options.RotatesClientSecret)
            return;
        if (options.AppSecretKey is null)
            problems.Add("VAULT_APP_SECRET_KEY is missing: SPAPI_ROTATION_QUEUE_URL is set, and the rotated client secret is stored sealed under it (openssl rand -hex 32)");
        if (options.SpApiClientId is null)
            problems.Add("SPAPI_ROTATION_QUEUE_URL is set but SPAPI_LWA_CLIENT_ID is not: rotation is for the SP-API application's secret");
    }
}
