using Microsoft.Extensions.Configuration;
using Vault.Api.Configuration;
using Vault.Tests.Support;

namespace Vault.Tests.ClientSecrets;

/// <summary>The rotation variables: one line per problem, never repeating a secret.</summary>
public class RotationConfigurationTests
{
    private const string QueueUrl = "https://sqs.us-east-1.amazonaws.com/123456789012/vault-rotation";

    private static (VaultOptions Options, IReadOnlyList<string> Problems) Read(Action<Dictionary<string, string?>> change)
    {
        var settings = new Dictionary<string, string?>
        {
            ["VAULT_DATABASE"] = "unused.db",
            ["PUBLIC_BASE_URL"] = "https://vault.example.com/",
            ["COOKIE_ENCRYPTION_KEY"] = VaultHarness.CookieKey,
            ["JWT_SECRET"] = VaultHarness.JwtSecret,
            ["SPAPI_APP_ID"] = "amzn1.sp.solution.test",
            ["SPAPI_LWA_CLIENT_ID"] = "amzn1.application-oa2-client.sp",
            ["SPAPI_LWA_CLIENT_SECRET"] = "sp-secret",
            ["ALLOWED_REDIRECT_ORIGINS"] = VaultHarness.WmsOrigin,
        };
        change(settings);
        return VaultConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
    }

    [Fact]
    public void PreviousSecretsAndAutomaticRotationReadAsConfigured()
    {
        var (options, problems) = Read(s =>
        {
            s["SPAPI_LWA_CLIENT_SECRET_PREVIOUS"] = "sp-secret-old";
            s["SPAPI_ROTATION_QUEUE_URL"] = QueueUrl;
            s["VAULT_APP_SECRET_KEY"] = RotatingVault.AppSecretKey;
            s["SPAPI_ROTATE_BEFORE_DAYS"] = "45";
        });

        Assert.Empty(problems);
        Assert.Equal("sp-secret-old", options.SpApiClientSecretPrevious);
        Assert.Equal(new Uri(QueueUrl), options.RotationQueueUrl);
        Assert.Equal(45, options.RotateBeforeDays);
        Assert.Equal(30, Read(s => { }).Options.RotateBeforeDays);
    }

    [Fact]
    public void RotationWithoutAnAppSecretKeyIsOneLine()
    {
        var problem = Assert.Single(Read(s => s["SPAPI_ROTATION_QUEUE_URL"] = QueueUrl).Problems);

        Assert.StartsWith("VAULT_APP_SECRET_KEY is missing", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SPAPI_ROTATION_QUEUE_URL", "http://sqs.us-east-1.amazonaws.com/1/q", "SPAPI_ROTATION_QUEUE_URL must be")]
    [InlineData("SPAPI_ROTATE_BEFORE_DAYS", "0", "SPAPI_ROTATE_BEFORE_DAYS must be")]
    [InlineData("SPAPI_ROTATE_BEFORE_DAYS", "181", "SPAPI_ROTATE_BEFORE_DAYS must be")]
    [InlineData("VAULT_APP_SECRET_KEY", "short", "VAULT_APP_SECRET_KEY must be exactly 64 characters (it has 5)")]
    [InlineData("ADS_LWA_CLIENT_SECRET_PREVIOUS", "ads-old", "ADS_LWA_CLIENT_SECRET_PREVIOUS is set without ADS_LWA_CLIENT_SECRET")]
    public void ABadValueIsOneLineThatQuotesNoSecret(string name, string value, string expected)
    {
        var problem = Assert.Single(Read(s => s[name] = value).Problems);

        Assert.StartsWith(expected, problem, StringComparison.Ordinal);
        if (name is "VAULT_APP_SECRET_KEY" or "ADS_LWA_CLIENT_SECRET_PREVIOUS")
            Assert.DoesNotContain(value, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TheAppSecretKeyMayNotBeTheCookieKey()
    {
        var problem = Assert.Single(Read(s => s["VAULT_APP_SECRET_KEY"] = VaultHarness.CookieKey).Problems);

        Assert.StartsWith("VAULT_APP_SECRET_KEY must differ from COOKIE_ENCRYPTION_KEY", problem, StringComparison.Ordinal);
    }
}
