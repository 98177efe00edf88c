using Microsoft.Extensions.Configuration;
using Vault.Api.Configuration;
using Vault.Tests.Cli;
using Vault.Tests.Support;

namespace Vault.Tests.Limits;

/// <summary>TRUSTED_PROXIES and CLIENT_IP_HEADER are read strictly: each bad entry is one clear startup line.</summary>
public sealed class ClientAddressConfigurationTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.0/8, 192.168.1.7 ,fd00::/8,::1")]
    [InlineData("0.0.0.0/0")]
    [InlineData("2001:db8::/32")]
    public void AddressesAndNetworksAreAccepted(string value) =>
        Assert.Empty(Problems(s => s["TRUSTED_PROXIES"] = value));

    [Theory]
    [InlineData("proxy.internal", "is not an IP address or CIDR network")]
    [InlineData("10.1", "is not an IP address or CIDR network")]
    [InlineData("167772161", "is not an IP address or CIDR network")]
    [InlineData("10.0.0.0/33", "is not an IP address or CIDR network")]
    [InlineData("10.0.0.0/-1", "is not an IP address or CIDR network")]
    [InlineData("10.0.0.0/", "is not an IP address or CIDR network")]
    [InlineData("fe80::1%eth0", "is not an IP address or CIDR network")]
    [InlineData("::/129", "is not an IP address or CIDR network")]
    [InlineData("10.0.0.1/8", "has bits set after its /8 prefix: write 10.0.0.0/8")]
    [InlineData("fd00::1/8", "has bits set after its /8 prefix: write fd00::/8")]
    public void ABadTrustedProxyIsOneLineNamingTheEntry(string entry, string expected)
    {
        var problem = Assert.Single(Problems(s => s["TRUSTED_PROXIES"] = "127.0.0.1, " + entry));

        Assert.StartsWith($"TRUSTED_PROXIES entry '{entry}' {expected}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void EachBadEntryIsItsOwnLine()
    {
        var problems = Problems(s => s["TRUSTED_PROXIES"] = "nope, 10.0.0.5, 10.0.0.1/8, also-nope");

        Assert.Equal(3, problems.Count);
        Assert.All(problems, p => Assert.StartsWith("TRUSTED_PROXIES entry '", p, StringComparison.Ordinal));
    }

    [Fact]
    public void AListOfNothingIsOneLine() =>
        Assert.StartsWith("TRUSTED_PROXIES lists no address", Assert.Single(Problems(s => s["TRUSTED_PROXIES"] = " , ,")), StringComparison.Ordinal);

    [Theory]
    [InlineData("Fly Client IP")]
    [InlineData("Fly-Client-IP:")]
    [InlineData("Host")]
    public void ABadClientIpHeaderIsOneLine(string value) =>
        Assert.StartsWith("CLIENT_IP_HEADER must be one header name", Assert.Single(Problems(s => s["CLIENT_IP_HEADER"] = value)), StringComparison.Ordinal);

    [Fact]
    public void FlyClientIpIsAcceptedWithOrWithoutTrustedProxies()
    {
        Assert.Empty(Problems(s => s["CLIENT_IP_HEADER"] = "Fly-Client-IP"));
        Assert.Empty(Problems(s =>
        {
            s["CLIENT_IP_HEADER"] = "Fly-Client-IP";
            s["TRUSTED_PROXIES"] = "172.16.0.0/12";
        }));
    }

    [Fact]
    public async Task CheckConfigPrintsOneLinePerBadEntry()
    {
        var env = Settings(s =>
        {
            s["TRUSTED_PROXIES"] = "10.0.0.1/8, proxy.internal";
            s["CLIENT_IP_HEADER"] = "Fly Client IP";
        }).Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!);

        var run = await CliRunner.RunAsync(env, "check-config");

        Assert.Equal(2, run.ExitCode);
        var lines = run.Stderr.Trim().Split('\n').Select(l => l.Trim()).ToList();
        Assert.Equal(
            ["config: TRUSTED_PROXIES entry '10.0.0.1/8' has bits set after its /8 prefix: write 10.0.0.0/8",
             "config: TRUSTED_PROXIES entry 'proxy.internal' is not an IP address or CIDR network (10.0.0.5, 10.0.0.0/8, fd00::/8)",
             "config: CLIENT_IP_HEADER must be one header name, such as Fly-Client-IP or X-Forwarded-For"],
            lines);
    }

    [Theory]
    [InlineData("fly.toml")]
    [InlineData("deploy/fly.postgres.toml")]
    public async Task BothFlyConfigurationsReadTheClientFromFlyClientIp(string file)
    {
        var env = (await Vault.Tests.Deploy.DeployFiles.ReadTomlAsync(Vault.Tests.Deploy.DeployFiles.PathOf(file.Split('/')))).GetProperty("env");

        var header = env.GetProperty("CLIENT_IP_HEADER").GetString();

        Assert.Equal("Fly-Client-IP", header);
        Assert.False(env.TryGetProperty("TRUSTED_PROXIES", out _));
        Assert.Empty(Problems(s => s["CLIENT_IP_HEADER"] = header));
    }

    private static IReadOnlyList<string> Problems(Action<Dictionary<string, string?>> change) =>
        VaultConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(Settings(change)).Build()).Problems;

    private static Dictionary<string, string?> Settings(Action<Dictionary<string, string?>> change)
    {
        var settings = new Dictionary<string, string?>
        {
            ["VAULT_DATABASE"] = Path.Combine(Path.GetTempPath(), "vault-unused-" + Guid.NewGuid().ToString("N") + ".db"),
            ["PUBLIC_BASE_URL"] = "https://vault.example.com/",
            ["COOKIE_ENCRYPTION_KEY"] = VaultHarness.CookieKey,
            ["JWT_SECRET"] = VaultHarness.JwtSecret,
            ["SPAPI_APP_ID"] = "amzn1.sp.solution.test",
            ["SPAPI_LWA_CLIENT_ID"] = "amzn1.application-oa2-client.sp",
            ["SPAPI_LWA_CLIENT_SECRET"] = "sp-secret",
            ["ALLOWED_REDIRECT_ORIGINS"] = VaultHarness.WmsOrigin,
        };
        change(settings);
        return settings;
    }
}
