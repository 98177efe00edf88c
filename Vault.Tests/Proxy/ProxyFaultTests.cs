using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vault.AmazonSimulator.Controls;
using Vault.Storage;
using Vault.Tests.Support;

namespace Vault.Tests.Proxy;

public class ProxyFaultTests
{
    private const string Participations = "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations";
    private const string SpHost = "sellingpartnerapi-na.amazon.com";

    private static Task<VaultHarness> StartAsync(TimeProvider? clock = null, bool paced = true) => VaultHarness.StartAsync(settings =>
    {
        settings["AMAZON_ATTEMPT_TIMEOUT_MS"] = "300";
        settings["AMAZON_TOTAL_TIMEOUT_MS"] = "3000";
        if (!paced)
            settings["AMAZON_PACING"] = "false";
    }, host: builder =>
    {
        if (clock is not null)
            builder.Services.AddSingleton(clock);
    });

    private static FaultSpec Next(params object[] outcomes) =>
        new(Host: SpHost, Next: outcomes.Select(o => JsonSerializer.SerializeToElement(o)).ToList());

    private static int CallsTo(VaultHarness vault, string pathPrefix) =>
        vault.Simulator.State.Calls.Snapshot().Count(c => c.Host == SpHost && c.PathAndQuery.StartsWith(pathPrefix, StringComparison.Ordinal));

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData("timeout")]
    [InlineData("reset")]
    public async Task AnIdempotentCallIsRetriedThroughATransientFault(object fault)
    {
        await using var vault = await StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        vault.Simulator.State.Faults.Add(Next(fault, fault));

        using var response = await vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, CallsTo(vault, "/sellers/v1/marketplaceParticipations"));
    }

    [Fact]
    public async Task A429WithRetryAfterIsWaitedOutBeforeTheRetry()
    {
        var clock = new WatchedClock();
        // An unpaced call's retry; a paced one waits for its bucket as well (PacingTests).
        await using var vault = await StartAsync(clock, paced: false);
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        vault.Simulator.State.Faults.Add(new FaultSpec(Host: SpHost, RetryAfterSeconds: 1, Next: [JsonSerializer.SerializeToElement(429)]));

        var call = vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret);
        var wait = await clock.NextWaitAsync();

        Assert.Equal(TimeSpan.FromSeconds(1), wait);
        Assert.False(call.IsCompleted);
        clock.Advance(wait);
        using var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, CallsTo(vault, "/sellers/v1/marketplaceParticipations"));
    }

    [Fact]
    public async Task A429WithoutRetryAfterWaitsForTheOperationsAdvertisedRate()
    {
        var clock = new WatchedClock();
        await using var vault = await StartAsync(clock, paced: false);
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        vault.Simulator.State.Faults.Add(new FaultSpec(Host: SpHost, PathPrefix: "/orders/v0/orders/", Next: [JsonSerializer.SerializeToElement(429)]));

        var call = vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/orders/v0/orders/123-1234567-1234567", seeded.Secret);
        var wait = await clock.NextWaitAsync();

        // getOrder is documented at 0.5 requests per second: the retry waits two seconds.
        Assert.Equal(TimeSpan.FromSeconds(2), wait);
        Assert.False(call.IsCompleted);
        clock.Advance(wait);
        using var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, CallsTo(vault, "/orders/v0/orders/123"));
    }

    [Fact]
    public async Task A429WhoseAdvertisedRateIsBeyondTheBudgetGoesStraightBack()
    {
        await using var vault = await StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        vault.Simulator.State.Faults.Add(Next(429));

        using var response = await vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret);

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.True(response.Headers.Contains("x-amzn-RateLimit-Limit"));
        Assert.Equal(1, CallsTo(vault, "/sellers/v1/marketplaceParticipations"));
    }

    [Fact]
    public async Task PersistentServerErrorsEndInAmazonsOwnStatusAfterTheRetries()
    {
        var clock = new WatchedClock();
        await using var vault = await StartAsync(clock);
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        vault.Simulator.State.Faults.Add(new FaultSpec(Host: SpHost, ErrorRate: 1.0, ErrorStatus: 503));

        var call = vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret);
        // Each retry's backoff passes on the vault's clock, not in real time: on a loaded machine the real waits and the
        // work between them used to exceed the 3 s budget and end in 504.
        for (var retry = 0; retry < 4; retry++)
            clock.Advance(await clock.NextWaitAsync());
        using var response = await call;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(5, CallsTo(vault, "/sellers/v1/marketplaceParticipations")); // one try and four retries
    }

    [Trait("Category", "Slow")] // waits out the real 3 s budget
    [Fact]
    public async Task TimeoutsBeyondTheBudgetAnswer504AmazonTimeout()
    {
        await using var vault = await StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        using (var warm = await vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        vault.Simulator.State.Faults.Add(new FaultSpec(Host: SpHost, TimeoutRate: 1.0, TimeoutMs: 10_000));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("amazon_timeout", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task ANonIdempotentCallIsNotRetriedOnceItReachedAmazon()
    {
        await using var vault = await StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        vault.Simulator.State.Faults.Add(new FaultSpec(Host: SpHost, PathPrefix: "/feeds", Next: [JsonSerializer.SerializeToElement(503)]));

        // createFeed: a POST that must not be sent twice.
        using var response = await vault.SendAsync(HttpMethod.Post, "/v1/sellers/seller-1/sp-api/feeds/2021-06-30/feeds", seeded.Secret,
            new { feedType = "POST_PRODUCT_DATA", marketplaceIds = new[] { "ATVPDKIKX0DER" }, inputFeedDocumentId = "3d4e42b5-1d6e-44e8-a89c-2abfca0625bb" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, CallsTo(vault, "/feeds/2021-06-30/feeds"));
    }

    [Fact]
    public async Task ARevokedRefreshTokenAnswers409AndMarksTheConnection()
    {
        await using var vault = await StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        vault.Simulator.State.Revoke(seeded.RefreshToken);

        using var response = await vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret);
        using var again = await vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("reauthorization_required", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(ConnectionStatus.ReauthorizationRequired, (await vault.Store.GetConnectionAsync("default", "seller-1", "sp-api"))!.Status);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(1, vault.Simulator.State.Calls.TokenCallsByGrantType.GetValueOrDefault("refresh_token"));
    }

    [Fact]
    public async Task WithAmazonDownCallsFailFastAndTheVaultStaysReady()
    {
        await using var vault = await VaultHarness.StartAsync(settings =>
        {
            settings["AMAZON_ENDPOINT_OVERRIDE"] = "http://127.0.0.1:9/{host}"; // discard port: nothing listens
            settings["AMAZON_TOTAL_TIMEOUT_MS"] = "3000";
        });
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret);
        using var ready = await vault.Http.GetAsync("/readyz");

        Assert.True(response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout, $"{response.StatusCode}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
