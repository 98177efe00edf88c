using System.Net;
using System.Net.Http.Json;
using System.Text;
using static Vault.Tests.Simulator.RunningSimulator;

namespace Vault.Tests.Simulator;

public class ControlsTests
{
    [Fact]
    public async Task TheFaultQueueDecidesTheNextCallsExactlyThenLetsCallsThrough()
    {
        await using var sim = await StartAsync();
        var token = await sim.SpApiAccessTokenAsync();
        await PostJsonAsync(sim, "_sim/faults",
            """{"host":"sellingpartnerapi-na.amazon.com","pathPrefix":"/orders","next":[503,429,"reset",200],"retryAfterSeconds":2}""",
            HttpStatusCode.Created);
        const string path = "/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER";

        using var unavailable = await sim.SpApiGetAsync(path, token);
        await SpApiTests.AssertSpApiErrorAsync(unavailable, HttpStatusCode.ServiceUnavailable, "ServiceUnavailable");

        using var throttled = await sim.SpApiGetAsync(path, token);
        await SpApiTests.AssertSpApiErrorAsync(throttled, (HttpStatusCode)429, "QuotaExceeded");
        Assert.Equal("2", throttled.Headers.GetValues("Retry-After").Single());
        Assert.Equal("0.0167", throttled.Headers.GetValues("x-amzn-RateLimit-Limit").Single());

        await Assert.ThrowsAsync<HttpRequestException>(() => sim.SpApiGetAsync(path, token));

        using var passed = await sim.SpApiGetAsync(path, token);
        Assert.Equal(HttpStatusCode.OK, passed.StatusCode);
        using var after = await sim.SpApiGetAsync(path, token);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);

        // Other paths on the host were never affected.
        using var sellers = await sim.SpApiGetAsync("/sellers/v1/marketplaceParticipations", token);
        Assert.Equal(HttpStatusCode.OK, sellers.StatusCode);
    }

    [Fact]
    public async Task FaultsApplyToTheLwaTokenEndpointInLwasShapeUntilCleared()
    {
        await using var sim = await StartAsync();
        await PostJsonAsync(sim, "_sim/faults", """{"host":"api.amazon.com","errorRate":1,"errorStatus":500}""", HttpStatusCode.Created);
        var (refreshToken, _) = sim.State.IssueRefreshToken(SpApiClientId);
        (string, string)[] form = [("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", SpApiClientId), ("client_secret", SpApiClientSecret)];

        using var failed = await sim.PostTokenAsync("api.amazon.com", form);
        await LwaTokenEndpointTests.AssertLwaErrorAsync(failed, HttpStatusCode.InternalServerError, "server_error");
        using var otherRegion = await sim.PostTokenAsync("api.amazon.co.jp", form);
        Assert.Equal(HttpStatusCode.OK, otherRegion.StatusCode);

        using var clear = await sim.Http.DeleteAsync(new Uri(sim.BaseAddress, "_sim/faults"));
        using var recovered = await sim.PostTokenAsync("api.amazon.com", form);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
    }

    [Fact]
    public async Task AnInvalidFaultSpecIsRefused()
    {
        await using var sim = await StartAsync();

        await PostJsonAsync(sim, "_sim/faults", """{"next":["explode"]}""", HttpStatusCode.BadRequest);
        await PostJsonAsync(sim, "_sim/faults", """{"errorRate":2}""", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task TheCallLogShowsHeaderNamesAndFlagsCredentialsWithoutTheirValues()
    {
        await using var sim = await StartAsync();
        var token = await sim.SpApiAccessTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, sim.Url("sellingpartnerapi-na.amazon.com", "/sellers/v1/marketplaceParticipations"));
        request.Headers.Add("x-amz-access-token", token);
        request.Headers.Add("x-amazon-token-secret", "c2VjcmV0");
        request.Headers.Add("Cookie", "vault=1");
        request.Headers.Add("User-Agent", "vault-test/1.0");
        using var response = await sim.Http.SendAsync(request);

        using var log = await sim.Http.GetAsync(new Uri(sim.BaseAddress, "_sim/calls"));
        var json = await log.Content.ReadAsStringAsync();
        var body = await JsonAsync(log);
        var call = body.GetProperty("calls").EnumerateArray().Last();
        Assert.Equal("sellingpartnerapi-na.amazon.com", call.GetProperty("host").GetString());
        Assert.Equal("/sellers/v1/marketplaceParticipations", call.GetProperty("pathAndQuery").GetString());
        Assert.Equal(200, call.GetProperty("status").GetInt32());
        Assert.True(call.GetProperty("hadTokenSecret").GetBoolean());
        Assert.True(call.GetProperty("hadCookie").GetBoolean());
        Assert.False(call.GetProperty("hadAuthorization").GetBoolean());
        var names = call.GetProperty("headerNames").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Contains("x-amz-access-token", names, StringComparer.OrdinalIgnoreCase);
        Assert.Equal("vault-test/1.0", call.GetProperty("headers").GetProperty("User-Agent").GetString());
        Assert.DoesNotContain(token, json, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", json, StringComparison.Ordinal);
        Assert.Equal(1, body.GetProperty("tokenCallsByGrantType").GetProperty("refresh_token").GetInt32());
    }

    [Fact]
    public async Task ASelfAuthorizedRefreshTokenFromTheControlApiWorksUntilReset()
    {
        await using var sim = await StartAsync();
        using var issued = await PostJsonAsync(sim, "_sim/refresh-tokens",
            $$"""{"clientId":"{{SpApiClientId}}","sellingPartnerId":"A1SELFAUTH0001"}""", HttpStatusCode.Created);
        var body = await JsonAsync(issued);
        Assert.Equal("A1SELFAUTH0001", body.GetProperty("sellingPartnerId").GetString());
        (string, string)[] form =
        [
            ("grant_type", "refresh_token"), ("refresh_token", body.GetProperty("refreshToken").GetString()!),
            ("client_id", SpApiClientId), ("client_secret", SpApiClientSecret),
        ];

        using var works = await sim.PostTokenAsync("api.amazon.com", form);
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);

        using var reset = await PostJsonAsync(sim, "_sim/reset", "{}", HttpStatusCode.NoContent);
        using var gone = await sim.PostTokenAsync("api.amazon.com", form);
        await LwaTokenEndpointTests.AssertLwaErrorAsync(gone, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Single(sim.State.Calls.Snapshot());
    }

    [Fact]
    public async Task ATimeoutFaultHoldsTheCallUntilTheClientGivesUpAndIsLoggedAsTimeout()
    {
        await using var sim = await StartAsync();
        await PostJsonAsync(sim, "_sim/faults", """{"next":["timeout"],"timeoutMs":30000}""", HttpStatusCode.Created);
        using var patience = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            sim.Http.GetAsync(sim.Url("sellingpartnerapi-fe.amazon.com", "/sellers/v1/marketplaceParticipations"), patience.Token));

        var call = await WaitForCallAsync(sim);
        Assert.Equal("timeout", call.Outcome);
        Assert.Equal(0, call.Status);
    }

    [Fact]
    public async Task SeededRatesGiveTheSameOutcomesEveryRun()
    {
        async Task<List<HttpStatusCode>> RunAsync()
        {
            await using var sim = await StartAsync();
            await PostJsonAsync(sim, "_sim/faults", """{"host":"api.amazon.com","errorRate":0.3,"throttleRate":0.3,"seed":42}""", HttpStatusCode.Created);
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 20; i++)
            {
                using var response = await sim.PostTokenAsync("api.amazon.com", ("grant_type", "password"));
                statuses.Add(response.StatusCode);
            }

            return statuses;
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Contains(HttpStatusCode.ServiceUnavailable, first);
        Assert.Contains((HttpStatusCode)429, first);
        Assert.Contains(HttpStatusCode.Unauthorized, first);
    }

    [Fact]
    public async Task RateLimitsCanBeTightenedAtRunTime()
    {
        await using var sim = await StartAsync();
        var token = await sim.SpApiAccessTokenAsync();
        await PostJsonAsync(sim, "_sim/rate-limits", """{"operation":"getMarketplaceParticipations","rate":0.1,"burst":1}""", HttpStatusCode.NoContent);

        using var first = await sim.SpApiGetAsync("/sellers/v1/marketplaceParticipations", token);
        using var second = await sim.SpApiGetAsync("/sellers/v1/marketplaceParticipations", token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal((HttpStatusCode)429, second.StatusCode);
        Assert.Equal("0.1", second.Headers.GetValues("x-amzn-RateLimit-Limit").Single());
    }

    private static async Task<Vault.AmazonSimulator.Controls.CallRecord> WaitForCallAsync(RunningSimulator sim)
    {
        // The server records the call when its side of the aborted request finishes, just after the client's.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var calls = sim.State.Calls.Snapshot();
            if (calls.Count > 0)
            {
                return calls[^1];
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("no call was recorded");
    }

    private static async Task<HttpResponseMessage> PostJsonAsync(RunningSimulator sim, string path, string json, HttpStatusCode expected)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var response = await sim.Http.PostAsync(new Uri(sim.BaseAddress, path), content);
        Assert.True(expected == response.StatusCode, $"{path}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response;
    }
}
