using System.Net;
using System.Text;
using System.Text.Json;
using Vault.AmazonSimulator;
using static Vault.Tests.Simulator.RunningSimulator;

namespace Vault.Tests.Simulator;

public class SpApiTests
{
    private const string OrderId = "123-1234567-1234567";

    [Fact]
    public async Task CallsWithoutAValidSpApiAccessTokenAreDeniedWithSpApisErrorShape()
    {
        await using var sim = await StartAsync();
        var adsToken = await sim.AdsAccessTokenAsync();

        foreach (var token in new[] { null, "Atza|forged", adsToken })
        {
            using var response = await sim.SpApiGetAsync("/sellers/v1/marketplaceParticipations", token);
            await AssertSpApiErrorAsync(response, HttpStatusCode.Forbidden, "Unauthorized");
        }
    }

    [Fact]
    public async Task AnExpiredAccessTokenIsDenied()
    {
        await using var sim = await StartAsync();
        var token = await sim.SpApiAccessTokenAsync();

        sim.Clock.Advance(TimeSpan.FromHours(1));
        using var response = await sim.SpApiGetAsync("/sellers/v1/marketplaceParticipations", token);

        await AssertSpApiErrorAsync(response, HttpStatusCode.Forbidden, "Unauthorized");
    }

    [Theory]
    [InlineData("sellingpartnerapi-na.amazon.com", "ATVPDKIKX0DER")]
    [InlineData("sellingpartnerapi-eu.amazon.com", "A1F83G8C2ARO7P")]
    [InlineData("sellingpartnerapi-fe.amazon.com", "A1VC38T7YXB528")]
    public async Task MarketplaceParticipationsListTheRegionsMarketplacesWithRequestIdAndRateHeaders(string host, string marketplaceId)
    {
        await using var sim = await StartAsync();
        var token = await sim.SpApiAccessTokenAsync();

        using var response = await sim.SpApiGetAsync("/sellers/v1/marketplaceParticipations", token, host);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("x-amzn-RequestId").Single()));
        Assert.Equal("0.016", response.Headers.GetValues("x-amzn-RateLimit-Limit").Single());
        var payload = (await JsonAsync(response)).GetProperty("payload");
        Assert.Contains(payload.EnumerateArray(), p => p.GetProperty("marketplace").GetProperty("id").GetString() == marketplaceId);
    }

    [Fact]
    public async Task GetOrdersNeedsMarketplaceIdsAndAdvertisesItsDocumentedRate()
    {
        await using var sim = await StartAsync();
        var token = await sim.SpApiAccessTokenAsync();

        using var missing = await sim.SpApiGetAsync("/orders/v0/orders", token);
        await AssertSpApiErrorAsync(missing, HttpStatusCode.BadRequest, "InvalidInput");

        using var response = await sim.SpApiGetAsync("/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("0.0167", response.Headers.GetValues("x-amzn-RateLimit-Limit").Single());
        var orders = (await JsonAsync(response)).GetProperty("payload").GetProperty("Orders");
        Assert.Contains(orders.EnumerateArray(), o => o.GetProperty("AmazonOrderId").GetString() == OrderId);
        Assert.All(orders.EnumerateArray(), o => Assert.False(o.TryGetProperty("BuyerInfo", out _)));

        using var one = await sim.SpApiGetAsync($"/orders/v0/orders/{OrderId}", token);
        Assert.Equal(OrderId, (await JsonAsync(one)).GetProperty("payload").GetProperty("AmazonOrderId").GetString());
    }

    [Fact]
    public async Task TheOrderAddressNeedsARestrictedDataTokenThatCoversIt()
    {
        await using var sim = await StartAsync();
        var token = await sim.SpApiAccessTokenAsync();
        var path = $"/orders/v0/orders/{OrderId}/address";

        using var plain = await sim.SpApiGetAsync(path, token);
        await AssertSpApiErrorAsync(plain, HttpStatusCode.Forbidden, "Unauthorized");

        var rdt = await CreateRdtAsync(sim, token, "GET", path);
        Assert.StartsWith("Atz.sprdt|", rdt, StringComparison.Ordinal);
        using var address = await sim.SpApiGetAsync(path, rdt);
        Assert.Equal(HttpStatusCode.OK, address.StatusCode);
        var shipping = (await JsonAsync(address)).GetProperty("payload").GetProperty("ShippingAddress");
        Assert.Equal("1 Simulation Way", shipping.GetProperty("AddressLine1").GetString());

        // A concrete path covers only that order and that operation.
        using var buyerInfo = await sim.SpApiGetAsync($"/orders/v0/orders/{OrderId}/buyerInfo", rdt);
        await AssertSpApiErrorAsync(buyerInfo, HttpStatusCode.Forbidden, "Unauthorized");
        using var otherOrder = await sim.SpApiGetAsync("/orders/v0/orders/902-1845936-5435065/address", rdt);
        await AssertSpApiErrorAsync(otherOrder, HttpStatusCode.Forbidden, "Unauthorized");
    }

    [Fact]
    public async Task AGenericRestrictedPathCoversEveryOrder()
    {
        await using var sim = await StartAsync();
        var token = await sim.SpApiAccessTokenAsync();
        var rdt = await CreateRdtAsync(sim, token, "GET", "/orders/v0/orders/{orderId}/buyerInfo");

        using var response = await sim.SpApiGetAsync("/orders/v0/orders/902-1845936-5435065/buyerInfo", rdt);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("@", (await JsonAsync(response)).GetProperty("payload").GetProperty("BuyerEmail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOrderShowsBuyerInfoOnlyWithATokenForThatDataElement()
    {
        await using var sim = await StartAsync();
        var token = await sim.SpApiAccessTokenAsync();
        var body = $$"""{"restrictedResources":[{"method":"GET","path":"/orders/v0/orders/{{OrderId}}","dataElements":["buyerInfo"]}]}""";
        using var created = await PostRdtAsync(sim, token, body);
        var rdt = (await JsonAsync(created)).GetProperty("restrictedDataToken").GetString();

        using var plain = await sim.SpApiGetAsync($"/orders/v0/orders/{OrderId}", token);
        using var restricted = await sim.SpApiGetAsync($"/orders/v0/orders/{OrderId}", rdt);

        Assert.False((await JsonAsync(plain)).GetProperty("payload").TryGetProperty("BuyerInfo", out _));
        Assert.True((await JsonAsync(restricted)).GetProperty("payload").TryGetProperty("BuyerInfo", out _));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"restrictedResources":[]}""")]
    [InlineData("""{"restrictedResources":[{"method":"GET"}]}""")]
    [InlineData("""{"restrictedResources":[{"method":"GET","path":"/sellers/v1/marketplaceParticipations"}]}""")]
    [InlineData("""{"restrictedResources":[{"method":"GET","path":"/orders/v0/orders/1/address","dataElements":["pets"]}]}""")]
    public async Task AMalformedRestrictedDataTokenRequestIsInvalidInput(string body)
    {
        await using var sim = await StartAsync();
        var token = await sim.SpApiAccessTokenAsync();

        using var response = await PostRdtAsync(sim, token, body);

        await AssertSpApiErrorAsync(response, HttpStatusCode.BadRequest, "InvalidInput");
    }

    [Fact]
    public async Task WithDocumentedLimitsEachOperationHasAmazonsUsagePlan()
    {
        await using var sim = await StartAsync(o => o.DocumentedRateLimits = true);
        var token = await sim.SpApiAccessTokenAsync();
        const string path = "/fba/inventory/v1/summaries?granularityType=Marketplace&granularityId=ATVPDKIKX0DER&marketplaceIds=ATVPDKIKX0DER";

        using var first = await sim.SpApiGetAsync(path, token);
        using var second = await sim.SpApiGetAsync(path, token);
        using var third = await sim.SpApiGetAsync(path, token);
        sim.Clock.Advance(TimeSpan.FromSeconds(0.5));
        using var refilled = await sim.SpApiGetAsync(path, token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("inventorySummaries", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("2", first.Headers.GetValues("x-amzn-RateLimit-Limit").Single());
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await AssertSpApiErrorAsync(third, (HttpStatusCode)429, "QuotaExceeded"); // getInventorySummaries: 2/s, burst 2
        Assert.Equal(HttpStatusCode.OK, refilled.StatusCode);
    }

    [Fact]
    public async Task ExceedingTheBucketAnswers429QuotaExceededWithTheRateHeader()
    {
        await using var sim = await StartAsync(o => o.RateLimits["getOrders"] = new RateLimit(0.5, 2));
        var token = await sim.SpApiAccessTokenAsync();
        const string path = "/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER";

        using var first = await sim.SpApiGetAsync(path, token);
        using var second = await sim.SpApiGetAsync(path, token);
        using var third = await sim.SpApiGetAsync(path, token);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await AssertSpApiErrorAsync(third, (HttpStatusCode)429, "QuotaExceeded");
        Assert.Equal("0.5", third.Headers.GetValues("x-amzn-RateLimit-Limit").Single());

        sim.Clock.Advance(TimeSpan.FromSeconds(2));
        using var refilled = await sim.SpApiGetAsync(path, token);
        Assert.Equal(HttpStatusCode.OK, refilled.StatusCode);
    }

    [Fact]
    public async Task TheByteStreamReturnsExactlyTheRequestedBytesInItsPattern()
    {
        await using var sim = await StartAsync();
        var token = await sim.SpApiAccessTokenAsync();
        const long size = (3 * 1024 * 1024) + 7;

        using var denied = await sim.SpApiGetAsync("/_sim/bytes?size=10", null);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, sim.Url("sellingpartnerapi-eu.amazon.com", $"/_sim/bytes?size={size}"));
        request.Headers.Add("x-amz-access-token", token);
        using var response = await sim.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(size, response.Content.Headers.ContentLength);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81_920];
        long offset = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++, offset++)
            {
                Assert.True(buffer[i] == (byte)(offset % 251), $"byte {offset} differs");
            }
        }

        Assert.Equal(size, offset);
    }

    [Fact]
    public async Task UnknownPathsAnswer404InTheApisShapeAndUnknownHostsAnswer404()
    {
        await using var sim = await StartAsync();

        using var unknownPath = await sim.SpApiGetAsync("/catalog/v0/nothing", null);
        await AssertSpApiErrorAsync(unknownPath, HttpStatusCode.NotFound, "NotFound");

        using var unknownHost = await sim.Http.GetAsync(sim.Url("example.com", "/anything"));
        Assert.Equal(HttpStatusCode.NotFound, unknownHost.StatusCode);
    }

    internal static async Task AssertSpApiErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var error = Assert.Single((await JsonAsync(response)).GetProperty("errors").EnumerateArray());
        Assert.Equal(code, error.GetProperty("code").GetString());
        if (code == "Unauthorized")
        {
            Assert.Equal("Access to requested resource is denied.", error.GetProperty("message").GetString());
        }
    }

    private static async Task<string> CreateRdtAsync(RunningSimulator sim, string token, string method, string path)
    {
        var body = JsonSerializer.Serialize(new { restrictedResources = new[] { new { method, path } } });
        using var response = await PostRdtAsync(sim, token, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal(3600, json.GetProperty("expiresIn").GetInt32());
        return json.GetProperty("restrictedDataToken").GetString()!;
    }

    private static async Task<HttpResponseMessage> PostRdtAsync(RunningSimulator sim, string token, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, sim.Url("sellingpartnerapi-na.amazon.com", "/tokens/2021-03-01/restrictedDataToken"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-amz-access-token", token);
        return await sim.Http.SendAsync(request);
    }
}
