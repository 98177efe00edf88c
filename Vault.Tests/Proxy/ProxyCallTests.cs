using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vault.AmazonSimulator;
using Vault.Tests.Support;

namespace Vault.Tests.Proxy;

public class ProxyCallTests
{
    [Theory]
    [InlineData("na", "sellingpartnerapi-na.amazon.com")]
    [InlineData("eu", "sellingpartnerapi-eu.amazon.com")]
    [InlineData("fe", "sellingpartnerapi-fe.amazon.com")]
    public async Task SpApiCallsReachTheRegionsHostWithAValidAccessToken(string region, string host)
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1", "sp-api", region);

        using var response = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations", seeded.Secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("payload").GetArrayLength() > 0);
        var call = Assert.Single(vault.Simulator.State.Calls.Snapshot(), c => c.PathAndQuery == "/sellers/v1/marketplaceParticipations");
        Assert.Equal(host, call.Host);
        Assert.Equal(200, call.Status);
        Assert.Contains("x-amz-access-token", call.HeaderNames, StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("na", "advertising-api.amazon.com")]
    [InlineData("eu", "advertising-api-eu.amazon.com")]
    [InlineData("fe", "advertising-api-fe.amazon.com")]
    public async Task AdsCallsCarryTheBearerTokenClientIdAndTheCallersProfileScope(string region, string host)
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1", "ads", region);
        using var profiles = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/ads/v2/profiles", seeded.Secret);
        Assert.True(profiles.StatusCode == HttpStatusCode.OK, await profiles.Content.ReadAsStringAsync());
        var profileId = (await profiles.Content.ReadFromJsonAsync<JsonElement>())[0].GetProperty("profileId").ToString();

        using var request = vault.Request(HttpMethod.Post, "/v1/sellers/seller-1/ads/sp/campaigns/list", seeded.Secret, new { });
        request.Headers.Add("Amazon-Advertising-API-Scope", profileId);
        using var campaigns = await vault.Http.SendAsync(request);

        Assert.True(campaigns.StatusCode == HttpStatusCode.OK, await campaigns.Content.ReadAsStringAsync());
        var call = vault.Simulator.State.Calls.Snapshot()[^1];
        Assert.Equal(host, call.Host);
        Assert.Equal("amazon-access-token", call.AuthorizationKind);
        Assert.Equal(SimulatorOptions.DefaultAdsClientId, call.Headers["Amazon-Advertising-API-ClientId"]);
        Assert.Equal(profileId, call.Headers["Amazon-Advertising-API-Scope"]);
    }

    [Fact]
    public async Task TheCallersCredentialsAndCookiesNeverReachAmazon()
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        using var request = vault.Request(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations", seeded.Secret);
        request.Headers.Add("Cookie", "session=wms-session-cookie");
        request.Headers.Add("x-amz-access-token", "Atza|caller-supplied-token");
        request.Headers.Add("x-amazon-token-secret-new", seeded.Secret);
        request.Headers.Add("X-Forwarded-For", "10.0.0.1");

        using var response = await vault.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = vault.Simulator.State.Calls.Snapshot()[^1];
        Assert.False(call.HadCookie);
        Assert.False(call.HadTokenSecret);
        Assert.Equal("none", call.AuthorizationKind);
        Assert.DoesNotContain("x-amazon-token-secret-new", call.HeaderNames, StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("X-Forwarded-For", call.HeaderNames, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(1, call.HeaderNames.Count(h => h.Equals("x-amz-access-token", StringComparison.OrdinalIgnoreCase)));
        // The vault's token worked, so the caller's fake one was replaced, not appended.
        Assert.Equal(200, call.Status);
    }

    [Fact]
    public async Task TheClientAddressHeadersOfAProxyInFrontNeverReachAmazon()
    {
        // The vault reads the client from CLIENT_IP_HEADER, and the forwarded-headers middleware leaves the proxy's own
        // address in X-Original-For; Fly's proxy adds Fly-* headers of its own: none of them is Amazon's business.
        await using var vault = await VaultHarness.StartAsync(s => s["CLIENT_IP_HEADER"] = "CF-Connecting-IP");
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        using var request = vault.Request(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations", seeded.Secret);
        request.Headers.Add("Fly-Client-IP", "203.0.113.7");
        request.Headers.Add("Fly-Region", "fra");
        request.Headers.Add("Via", "1.1 fly.io");
        request.Headers.Add("CF-Connecting-IP", "203.0.113.8");

        using var response = await vault.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = vault.Simulator.State.Calls.Snapshot()[^1];
        foreach (var header in new[] { "CF-Connecting-IP", "Fly-Client-IP", "Fly-Region", "Via", "X-Original-For" })
            Assert.DoesNotContain(header, call.HeaderNames, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task NoAccessTokenIsEverReturnedToTheCaller()
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");

        using var response = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER", seeded.Secret);

        var everything = response.Headers.ToString() + response.Content.Headers + await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("Atza|", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(seeded.RefreshToken, everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AmazonsOwnErrorBodiesPassThroughUnchanged()
    {
        await using var vault = await VaultHarness.StartAsync(simulator: options => options.RateLimits["getMarketplaceParticipations"] = new RateLimit(0.0167, 1));
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");

        using var badRequest = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/orders/v0/orders", seeded.Secret);
        using var notFound = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/nothing/here", seeded.Secret);
        using var first = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations", seeded.Secret);
        using var throttled = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations", seeded.Secret);

        var calls = vault.Simulator.State.Calls.Snapshot();
        Assert.Equal(HttpStatusCode.BadRequest, badRequest.StatusCode);
        Assert.Contains("InvalidInput", await badRequest.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("application/json", notFound.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.Contains("QuotaExceeded", await throttled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("0.0167", throttled.Headers.GetValues("x-amzn-RateLimit-Limit").Single());
        // A 60-second wait is beyond the retry budget: answered at once, not retried.
        Assert.Equal(1, calls.Count(c => c.Status == 429));
    }

    [Fact]
    public async Task ARestrictedDataTokenIsFetchedOnceAndUsedForTheAddressOperation()
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        const string address = "/v1/sellers/seller-1/sp-api/orders/v0/orders/123-1234567-1234567/address";

        using var first = await vault.SendAsync(HttpMethod.Get, address, seeded.Secret);
        using var second = await vault.SendAsync(HttpMethod.Get, address, seeded.Secret);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains("ShippingAddress", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(vault.Simulator.State.Calls.Snapshot(), c => c.PathAndQuery.StartsWith("/tokens/2021-03-01/restrictedDataToken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConcurrentFirstCallsToARestrictedOperationShareOneRestrictedDataToken()
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        const string address = "/v1/sellers/seller-1/sp-api/orders/v0/orders/123-1234567-1234567/address";
        using (var warm = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER", seeded.Secret))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode); // the access token is cached: only the RDT is left to fetch

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            using var response = await vault.SendAsync(HttpMethod.Get, address, seeded.Secret);
            return response.StatusCode;
        })).ToList();
        go.SetResult();

        Assert.All(await Task.WhenAll(calls), status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Single(vault.Simulator.State.Calls.Snapshot(), c => c.PathAndQuery.StartsWith("/tokens/2021-03-01/restrictedDataToken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetOrdersWithRequestedDataElementsUsesAnRdtNamingThem()
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        using var request = vault.Request(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER", seeded.Secret);
        request.Headers.Add("x-vault-restricted-data-elements", "shippingAddress,buyerInfo");

        using var response = await vault.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("BuyerInfo", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("x-vault-restricted-data-elements", vault.Simulator.State.Calls.Snapshot()[^1].HeaderNames, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task UnknownDataElementsAreRefusedBeforeAnythingIsCalled()
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        using var request = vault.Request(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER", seeded.Secret);
        request.Headers.Add("x-vault-restricted-data-elements", "everything");

        using var response = await vault.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(vault.Simulator.State.Calls.Snapshot());
    }
}
