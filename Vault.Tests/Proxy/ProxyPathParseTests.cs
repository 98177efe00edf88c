using Vault.Api.Proxy;

namespace Vault.Tests.Proxy;

/// <summary><see cref="ProxyPath.TryParse(string, out string, out string, out string)"/> on its own: what it keeps, what it refuses, what it costs.</summary>
public class ProxyPathParseTests
{
    [Theory]
    [InlineData("/v1/sellers/S1/sp-api/orders/v0/orders", "/orders/v0/orders", "")]
    [InlineData("/v1/sellers/S1/sp-api/orders/v0/orders?MarketplaceIds=A&x=%2F", "/orders/v0/orders", "?MarketplaceIds=A&x=%2F")]
    [InlineData("/v1/sellers/S1/sp-api/listings/2021-08-01/items/S1/SKU%20one", "/listings/2021-08-01/items/S1/SKU%20one", "")]
    [InlineData("/v1/sellers/S1/ads/v2/profiles?", "/v2/profiles", "?")]
    [InlineData("/v1/sellers/S1/sp-api/a", "/a", "")]
    [InlineData("/v1/sellers/S1/sp-api/%2e%2e.x/..a", "/%2e%2e.x/..a", "")]
    public void AnOrdinaryPathIsKeptAsSent(string target, string path, string query)
    {
        Assert.True(ProxyPath.TryParse(target, out var pathAndQuery, out var parsedPath, out var reason), reason);
        Assert.Equal(path, parsedPath);
        Assert.Equal(path + query, pathAndQuery);
    }

    [Theory]
    [InlineData("v1/sellers/S1/sp-api/orders")]
    [InlineData("/v1/sellers/S1/sp-api")]
    [InlineData("/v1/sellers/S1/sp-api?x=1")]
    [InlineData("/v1/sellers/S1/sp-api/")]
    [InlineData("/v1/sellers/S1/sp-api//evil.com/x")]
    [InlineData("/v1/sellers/S1/sp-api/orders/")]
    [InlineData("/v1/sellers/S1/sp-api/./orders")]
    [InlineData("/v1/sellers/S1/sp-api/orders/..")]
    [InlineData("/v1/sellers/S1/sp-api/%2e%2E/admin")]
    [InlineData("/v1/sellers/S1/sp-api/%252e%252e/admin")]
    [InlineData("/v1/sellers/S1/sp-api/a%2fb")]
    [InlineData("/v1/sellers/S1/sp-api/a%252Fb")]
    [InlineData("/v1/sellers/S1/sp-api/a%5cb")]
    [InlineData("/v1/sellers/S1/sp-api/a\\b")]
    [InlineData("/v1/sellers/S1/sp-api/a%00b")]
    [InlineData("/v1/sellers/S1/sp-api/a\u0001b")]
    [InlineData("/v1/sellers/S1/sp-api/a?x=1#frag")]
    [InlineData("/v1/sellers/S1/sp-api/a?x=\u007f")]
    [InlineData("/v1/sellers/S1/sp-api/a?x=\u0085")]
    public void ATrickIsRefusedNotCleanedUp(string target)
    {
        Assert.False(ProxyPath.TryParse(target, out var pathAndQuery, out var path, out var reason));
        Assert.NotEmpty(reason);
        Assert.Equal("", pathAndQuery);
        Assert.Equal("", path);
    }

    [Fact]
    public void AnOrdinaryCallAllocatesOnlyTheTwoStringsItReturns()
    {
        // Every proxied call is parsed; it used to split the path into strings and join them again.
        const string target = "/v1/sellers/A1SELLER/sp-api/orders/v0/orders/902-1234567-1234567/orderItems?NextToken=abc";
        Assert.True(ProxyPath.TryParse(target, out _, out _, out _));

        var parsed = true;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
            parsed &= ProxyPath.TryParse(target, out _, out _, out _);
        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 1_000;

        Assert.True(parsed);
        // The path (48 chars: 120 bytes) and the path with its query (62 chars: 152 bytes), nothing else.
        Assert.InRange(perCall, 0, 120 + 152);
    }
}
