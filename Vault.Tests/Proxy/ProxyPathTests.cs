using Vault.Tests.Support;

namespace Vault.Tests.Proxy;

public class ProxyPathTests
{
    public static TheoryData<string> Tricks() => new()
    {
        "/v1/sellers/seller-1/sp-api/../../../etc/passwd",
        "/v1/sellers/seller-1/sp-api/orders/../../ads/v2/profiles",
        "/v1/sellers/seller-1/sp-api/%2e%2e/%2e%2e/admin",
        "/v1/sellers/seller-1/sp-api/%2E%2E%2Fevil",
        "/v1/sellers/seller-1/sp-api/..%2f..%2fevil.com",
        "/v1/sellers/seller-1/sp-api/%252e%252e/evil",
        "/v1/sellers/seller-1/sp-api/a%252fb",
        "/v1/sellers/seller-1/sp-api//evil.com/x",
        "/v1/sellers/seller-1/sp-api/%2F%2Fevil.com/x",
        "/v1/sellers/seller-1/sp-api/a%5c..%5cb",
        "/v1/sellers/seller-1/sp-api/http://evil.com/x",
        "/v1/sellers/seller-1/sp-api/https:%2f%2fevil.com/x",
        "/v1/sellers/seller-1/sp-api/@evil.com/x",
        "/v1/sellers/seller-1/sp-api/.",
        "/v1/sellers/seller-1/sp-api/",
        "http://evil.com/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations",
        "/v1/sellers/seller-1/ads/%2e%2e/x",
        "/v1/sellers/seller-1/sp-api/x%00y",
    };

    [Theory]
    [MemberData(nameof(Tricks))]
    public async Task PathTricksNeverLeaveTheConnectionsAmazonHost(string target)
    {
        await using var vault = await VaultHarness.StartAsync();
        var sp = await Seed.ConnectionAsync(vault, "seller-1", "sp-api");
        var ads = await Seed.ConnectionAsync(vault, "seller-1", "ads");
        var secret = target.Contains("/ads/", StringComparison.Ordinal) ? ads.Secret : sp.Secret;

        var status = await RawHttp.StatusAsync(vault.BaseAddress, target, [$"Authorization: Bearer {vault.Jwt()}", $"x-amazon-token-secret: {secret}"]);

        Assert.True(status is 400 or 404, $"{target} answered {status}");
        // Whatever reached the simulator went to the connection's own hosts, with no dot segments or empty ones.
        foreach (var call in vault.Simulator.State.Calls.Snapshot())
        {
            Assert.Contains(call.Host, new[] { "sellingpartnerapi-na.amazon.com", "advertising-api.amazon.com", "api.amazon.com" });
            Assert.DoesNotContain("//", call.PathAndQuery, StringComparison.Ordinal);
            Assert.DoesNotContain("..", call.PathAndQuery, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnAbsoluteUrlInTheQueryIsJustAQueryOnTheAmazonHost()
    {
        await using var vault = await VaultHarness.StartAsync();
        var sp = await Seed.ConnectionAsync(vault, "seller-1");

        var status = await RawHttp.StatusAsync(vault.BaseAddress, "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations?next=http://evil.com/",
            [$"Authorization: Bearer {vault.Jwt()}", $"x-amazon-token-secret: {sp.Secret}"]);

        Assert.Equal(200, status);
        var call = vault.Simulator.State.Calls.Snapshot()[^1];
        Assert.Equal("sellingpartnerapi-na.amazon.com", call.Host);
        Assert.Equal("/sellers/v1/marketplaceParticipations?next=http://evil.com/", call.PathAndQuery);
    }

    [Theory]
    [InlineData("/sellers/v1/x", true)]
    [InlineData("/a/%2e%2e/b", false)]
    [InlineData("/a//b", false)]
    public void TargetUriStaysUnderTheHostBase(string path, bool ok)
    {
        var hostBase = new Uri("http://127.0.0.1:9000/sellingpartnerapi-na.amazon.com/");
        var parsed = Vault.Api.Proxy.ProxyPath.TryParse("/v1/sellers/s/sp-api" + path, out var pathAndQuery, out _, out _);
        Assert.Equal(ok, parsed);
        if (parsed)
            Assert.Equal("http://127.0.0.1:9000/sellingpartnerapi-na.amazon.com" + path, Vault.Api.Proxy.AmazonForwarding.TargetUri(hostBase, pathAndQuery).ToString());
    }
}
