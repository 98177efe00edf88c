using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vault.Api;
using Vault.Api.Configuration;
using Vault.Tests.Support;

namespace Vault.Tests.Auth;

/// <summary>docs/API.md "Configuration": startup fails fast with one clear line per problem, and never repeats a secret.</summary>
public class VaultConfigurationTests
{
    [Fact]
    public void ACompleteConfigurationHasNoProblems()
    {
        var (options, problems) = Read(_ => { });

        Assert.Empty(problems);
        Assert.Equal(["https://wms.example.com", "http://127.0.0.1:7777"], options.AllowedRedirectOrigins);
    }

    [Theory]
    [InlineData("http://wms.example.com/hooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "WEBHOOK_URL must be an absolute https URL without credentials or fragment (http only on loopback)")]
    [InlineData("https://user:pw@wms.example.com/hooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "WEBHOOK_URL must be an absolute https URL without credentials or fragment (http only on loopback)")]
    [InlineData("https://wms.example.com/hooks", null, "WEBHOOK_URL and WEBHOOK_SECRET must be set together")]
    [InlineData(null, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "WEBHOOK_URL and WEBHOOK_SECRET must be set together")]
    [InlineData("https://wms.example.com/hooks", "my-own-webhook-secret-value", "WEBHOOK_SECRET must be whsec_ followed by the base64 of 24 to 64 random bytes (whsec_$(openssl rand -base64 32))")]
    public void AWebhookNeedsAnHttpsUrlAndAStandardWebhooksSecretTogether(string? url, string? secret, string expected)
    {
        var problem = Assert.Single(Problems(s =>
        {
            s["WEBHOOK_URL"] = url;
            s["WEBHOOK_SECRET"] = secret;
        }));

        Assert.Equal(expected, problem);
    }

    [Theory]
    [InlineData("https://wms.example.com/hooks/vault")]
    [InlineData("http://127.0.0.1:9000/hooks")]
    public void AWebhookOnHttpsOrLoopbackIsAccepted(string url)
    {
        var (options, problems) = Read(s =>
        {
            s["WEBHOOK_URL"] = url;
            s["WEBHOOK_SECRET"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        });

        Assert.Empty(problems);
        Assert.Equal(new Uri(url), options.WebhookUrl);
    }

    [Fact]
    public void AMissingCookieKeyIsOneLine()
    {
        var problem = Assert.Single(Problems(s => s.Remove("COOKIE_ENCRYPTION_KEY")));

        Assert.StartsWith("COOKIE_ENCRYPTION_KEY is missing", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(63)]
    [InlineData(65)]
    [InlineData(128)]
    public void ACookieKeyOfTheWrongLengthSaysItsLength(int length)
    {
        var key = new string('k', length);

        var problem = Assert.Single(Problems(s => s["COOKIE_ENCRYPTION_KEY"] = key));

        Assert.Equal($"COOKIE_ENCRYPTION_KEY must be exactly 64 characters (it has {length})", problem);
    }

    [Fact]
    public void NoJwtConfigurationIsOneLine()
    {
        var problem = Assert.Single(Problems(s => s.Remove("JWT_SECRET")));

        Assert.Contains("JWT_SECRET or JWKS_ENDPOINT must be set", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AShortJwtSecretSaysItsLengthButNotItsValue()
    {
        const string secret = "short-secret-31-bytes-long-xxxx";
        Assert.Equal(31, secret.Length);

        var problem = Assert.Single(Problems(s => s["JWT_SECRET"] = secret));

        Assert.Equal("JWT_SECRET must be at least 32 bytes for HS256 (it has 31)", problem);
    }

    [Fact]
    public void AJwtSecretOfThirtyTwoBytesIsEnough() =>
        Assert.Empty(Problems(s => s["JWT_SECRET"] = new string('s', 32)));

    [Theory]
    [InlineData("http://idp.example.com/jwks.json", "JWKS_ENDPOINT must be https (http only on loopback)")]
    [InlineData("ftp://idp.example.com/jwks.json", "JWKS_ENDPOINT must be an absolute http(s) URL without credentials or fragment")]
    [InlineData("https://user:pw@idp.example.com/jwks.json", "JWKS_ENDPOINT must be an absolute http(s) URL without credentials or fragment")]
    [InlineData("jwks.json", "JWKS_ENDPOINT must be an absolute http(s) URL without credentials or fragment")]
    public void ABadJwksEndpointIsOneLine(string endpoint, string expected)
    {
        var problem = Assert.Single(Problems(s =>
        {
            s.Remove("JWT_SECRET");
            s["JWKS_ENDPOINT"] = endpoint;
            s["JWT_ISSUER"] = "https://idp.example.com/";
            s["JWT_AUDIENCE"] = "token-vault";
        }));

        Assert.Equal(expected, problem);
    }

    [Theory]
    [InlineData("https://idp.example.com/.well-known/jwks.json")]
    [InlineData("https://login.example.com/discovery/v2.0/keys?appid=123")]
    [InlineData("http://127.0.0.1:9999/jwks.json")]
    public void AJwksEndpointIsFetchedExactlyAsConfigured(string endpoint)
    {
        var (options, problems) = Read(s =>
        {
            s.Remove("JWT_SECRET");
            s["JWKS_ENDPOINT"] = endpoint;
            s["JWT_ISSUER"] = "https://idp.example.com/";
            s["JWT_AUDIENCE"] = "token-vault";
        });

        Assert.Empty(problems);
        Assert.Equal(endpoint, options.JwksEndpoint!.ToString());
    }

    [Theory]
    [InlineData("wms.example.com")]
    [InlineData("http://wms.example.com")]
    [InlineData("https://wms.example.com/path")]
    [InlineData("https://wms.example.com?x=1")]
    [InlineData("https://user@wms.example.com")]
    [InlineData("*")]
    [InlineData("https://*.example.com")]
    [InlineData("ftp://wms.example.com")]
    [InlineData("javascript:alert(1)")]
    public void ABadRedirectOriginIsOneLineNamingTheEntry(string entry)
    {
        var problem = Assert.Single(Problems(s => s["ALLOWED_REDIRECT_ORIGINS"] = "https://ok.example.com, " + entry));

        Assert.StartsWith($"ALLOWED_REDIRECT_ORIGINS entry '{entry}' is not an origin", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(",")]
    [InlineData(" , ,")]
    public void NoRedirectOriginAtAllIsOneLine(string? value)
    {
        var problem = Assert.Single(Problems(s =>
        {
            if (value is null)
                s.Remove("ALLOWED_REDIRECT_ORIGINS");
            else
                s["ALLOWED_REDIRECT_ORIGINS"] = value;
        }));

        Assert.StartsWith("ALLOWED_REDIRECT_ORIGINS", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void RedirectOriginsAreNormalised()
    {
        var (options, problems) = Read(s => s["ALLOWED_REDIRECT_ORIGINS"] = "https://WMS.Example.com/, http://localhost:3000,http://[::1]:4000");

        Assert.Empty(problems);
        Assert.Equal(["https://wms.example.com", "http://localhost:3000", "http://[::1]:4000"], options.AllowedRedirectOrigins);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000")]
    [InlineData("not a url {host}")]
    [InlineData("/srv/{host}")]
    [InlineData("file:///srv/{host}")]
    [InlineData("ftp://127.0.0.1/{host}")]
    public void ABadAmazonEndpointOverrideIsOneLine(string value)
    {
        var problem = Assert.Single(Problems(s => s["AMAZON_ENDPOINT_OVERRIDE"] = value));

        Assert.StartsWith("AMAZON_ENDPOINT_OVERRIDE must be a URL template containing {host}", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SPAPI_LWA_CLIENT_SECRET", "SPAPI_LWA_CLIENT_ID and SPAPI_LWA_CLIENT_SECRET must be set together")]
    [InlineData("SPAPI_LWA_CLIENT_ID", "SPAPI_LWA_CLIENT_ID and SPAPI_LWA_CLIENT_SECRET must be set together")]
    [InlineData("ADS_LWA_CLIENT_SECRET", "ADS_LWA_CLIENT_ID and ADS_LWA_CLIENT_SECRET must be set together")]
    [InlineData("ADS_LWA_CLIENT_ID", "ADS_LWA_CLIENT_ID and ADS_LWA_CLIENT_SECRET must be set together")]
    [InlineData("SPAPI_APP_ID", "SPAPI_APP_ID is missing: the SP-API consent page needs the application id")]
    public void AnAmazonApplicationHalfConfiguredIsOneLine(string removed, string expected)
    {
        var problem = Assert.Single(Problems(s => s.Remove(removed)));

        Assert.Equal(expected, problem);
    }

    [Fact]
    public void NoAmazonApplicationAtAllIsOneLine()
    {
        var problem = Assert.Single(Problems(s =>
        {
            foreach (var name in new[] { "SPAPI_APP_ID", "SPAPI_LWA_CLIENT_ID", "SPAPI_LWA_CLIENT_SECRET", "ADS_LWA_CLIENT_ID", "ADS_LWA_CLIENT_SECRET" })
                s.Remove(name);
        }));

        Assert.StartsWith("no Amazon application is configured", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void SeveralProblemsAreSeveralLinesAndNoneRepeatsASecret()
    {
        const string shortSecret = "hunter2-hunter2";
        var problems = Problems(s =>
        {
            s["COOKIE_ENCRYPTION_KEY"] = "too-short-cookie-key";
            s["JWT_SECRET"] = shortSecret;
            s["ALLOWED_REDIRECT_ORIGINS"] = "http://wms.example.com";
            s["AMAZON_ENDPOINT_OVERRIDE"] = "http://127.0.0.1:9000";
            s.Remove("ADS_LWA_CLIENT_SECRET");
            s["PUBLIC_BASE_URL"] = "https://vault.example.com/?x=1";
        });

        Assert.Equal(6, problems.Count);
        string[] names = ["COOKIE_ENCRYPTION_KEY", "JWT_SECRET", "ALLOWED_REDIRECT_ORIGINS", "AMAZON_ENDPOINT_OVERRIDE", "ADS_LWA_CLIENT_ID", "PUBLIC_BASE_URL"];
        Assert.All(names, name => Assert.Single(problems, p => p.StartsWith(name, StringComparison.Ordinal)));
        Assert.All(problems, p =>
        {
            Assert.DoesNotContain('\n', p);
            Assert.DoesNotContain(shortSecret, p, StringComparison.Ordinal);
            Assert.DoesNotContain("too-short-cookie-key", p, StringComparison.Ordinal);
            Assert.DoesNotContain(RunningSimulatorSecrets.Ads, p, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void TheVaultRefusesToBuildWithTheSameLines()
    {
        var settings = Settings(s =>
        {
            s.Remove("COOKIE_ENCRYPTION_KEY");
            s["JWT_SECRET"] = "short";
        });

        var error = Assert.Throws<VaultApp.ConfigurationException>(() =>
            VaultApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings)));

        Assert.Equal(2, error.Problems.Count);
        Assert.Equal(string.Join(Environment.NewLine, error.Problems), error.Message);
    }

    [Fact]
    public async Task TheVaultInjectsTheOptionsTheFrameworkBoundAndValidated()
    {
        var settings = Settings(_ => { });

        await using var app = VaultApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings));

        var options = app.Services.GetRequiredService<VaultOptions>();
        Assert.Same(app.Services.GetRequiredService<IOptionsMonitor<VaultOptions>>().CurrentValue, options);
        Assert.NotEmpty(app.Services.GetServices<IValidateOptions<VaultOptions>>());
        Assert.Equal(new Uri("https://vault.example.com/"), options.PublicBaseUrl);
    }

    [Fact]
    public async Task AStartedVaultReadsItsSettingsOnceAndOnceMoreToNameProblems()
    {
        var counting = new CountingSource(Settings(_ => { }));
        await using var app = VaultApp.Build(["--urls", "http://127.0.0.1:0"], builder => ((IConfigurationBuilder)builder.Configuration).Add(counting));
        await app.StartAsync();

        // VaultOptionsSetup reads JWT_SECRET once to bind; the validator binds a scratch copy once to name bad values.
        Assert.Equal(2, counting.Reads("JWT_SECRET"));
        Assert.Equal(2, counting.Reads("AMAZON_ATTEMPT_TIMEOUT_MS"));
        await app.StopAsync();
    }

    private sealed class CountingSource(Dictionary<string, string?> settings) : IConfigurationSource
    {
        private readonly Dictionary<string, int> _reads = [];

        public int Reads(string key)
        {
            lock (_reads)
                return _reads.GetValueOrDefault(key);
        }

        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this, settings);

        private sealed class Provider(CountingSource source, Dictionary<string, string?> settings) : ConfigurationProvider
        {
            public override void Load() => Data = new Dictionary<string, string?>(settings, StringComparer.OrdinalIgnoreCase);

            public override bool TryGet(string key, out string? value)
            {
                lock (source._reads)
                    source._reads[key] = source._reads.GetValueOrDefault(key) + 1;
                return base.TryGet(key, out value);
            }
        }
    }

    [Fact]
    public async Task AHostWithTheVaultsOptionsRefusesToStartWithTheSameLines()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(s => s.Remove("COOKIE_ENCRYPTION_KEY"))).Build();
        var builder = Host.CreateEmptyApplicationBuilder(new());
        builder.Services.AddVaultOptions(configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith("COOKIE_ENCRYPTION_KEY is missing", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void UnsetSettingsTakeTheDefaultsOfTheDocs()
    {
        var (options, problems) = Read(s =>
        {
            s.Remove("VAULT_DATABASE");
            s.Remove("PUBLIC_BASE_URL");
        });

        Assert.Empty(problems);
        Assert.Equal("data/vault.db", options.Database);
        Assert.Equal(new Uri("http://127.0.0.1:8080/"), options.PublicBaseUrl);
        Assert.Equal("tenant", options.JwtTenantClaim);
        Assert.Equal((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15)),
            (options.AmazonAttemptTimeout, options.AmazonTotalTimeout, options.AmazonCircuitBreak));
    }

    private static class RunningSimulatorSecrets
    {
        public const string Ads = Vault.AmazonSimulator.SimulatorOptions.DefaultAdsClientSecret;
    }

    [Fact]
    public void AnOwnerRoleIsForPostgresOnlyAndNeverEchoed()
    {
        const string owner = "postgresql://vault_owner:Owner-Pw-Never-Shown@db.internal/vault";
        var withSqlite = Assert.Single(Problems(s => s["VAULT_DATABASE_OWNER"] = owner));
        Assert.StartsWith("VAULT_DATABASE_OWNER is set but VAULT_DATABASE is a SQLite path", withSqlite, StringComparison.Ordinal);

        var notPostgres = Assert.Single(Problems(s =>
        {
            s["VAULT_DATABASE"] = "postgresql://vault_app:App-Pw-Never-Shown@db.internal/vault";
            s["VAULT_DATABASE_OWNER"] = "owner.db?Password=Owner-Pw-Never-Shown";
        }));
        Assert.StartsWith("VAULT_DATABASE_OWNER must be a PostgreSQL connection string", notPostgres, StringComparison.Ordinal);
        Assert.DoesNotContain("Pw-Never-Shown", withSqlite + notPostgres, StringComparison.Ordinal);

        var (options, problems) = Read(s =>
        {
            s["VAULT_DATABASE"] = "postgresql://vault_app:App-Pw-Never-Shown@db.internal/vault";
            s["VAULT_DATABASE_OWNER"] = owner;
        });
        Assert.Empty(problems);
        Assert.Equal(owner, options.DatabaseOwner);
    }

    private static IReadOnlyList<string> Problems(Action<Dictionary<string, string?>> change) => Read(change).Problems;

    private static (VaultOptions Options, IReadOnlyList<string> Problems) Read(Action<Dictionary<string, string?>> change) =>
        VaultConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(Settings(change)).Build());

    /// <summary>What the harness gives a vault, edited by the test.</summary>
    private static Dictionary<string, string?> Settings(Action<Dictionary<string, string?>> change)
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
            ["ADS_LWA_CLIENT_ID"] = "amzn1.application-oa2-client.ads",
            ["ADS_LWA_CLIENT_SECRET"] = Vault.AmazonSimulator.SimulatorOptions.DefaultAdsClientSecret,
            ["ALLOWED_REDIRECT_ORIGINS"] = VaultHarness.WmsOrigin + ",http://127.0.0.1:7777",
            ["AMAZON_ENDPOINT_OVERRIDE"] = "http://127.0.0.1:9000/{host}",
        };
        change(settings);
        return settings;
    }
}
