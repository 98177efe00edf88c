using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vault.AmazonSimulator;
using Vault.AmazonSimulator.Controls;
using Vault.Tests.Support;

namespace Vault.Tests.Pacing;

/// <summary>Issue 17: proxied SP-API calls wait for Amazon's tokens instead of turning into 429s (docs/API.md "Pacing").</summary>
public class PacingTests
{
    private const string Orders = "/v1/sellers/seller-1/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER";
    private const string OrdersPath = "/orders/v0/orders";
    private const string SpHost = "sellingpartnerapi-na.amazon.com";

    private static Task<VaultHarness> StartAsync(WatchedClock clock, Action<SimulatorOptions>? simulator = null) =>
        VaultHarness.StartAsync(simulator: simulator, host: builder => builder.Services.AddSingleton<TimeProvider>(clock));

    /// <summary>Amazon enforcing <paramref name="orders"/> on getOrders, on the vault's own clock.</summary>
    private static Task<VaultHarness> StartAsync(WatchedClock clock, RateLimit orders) =>
        StartAsync(clock, o =>
        {
            o.TimeProvider = clock;
            o.RateLimits["getOrders"] = orders;
        });

    private static async Task<HttpResponseMessage> CallAsync(VaultHarness vault, string secret, string? maxWait = null, string path = Orders, CancellationToken ct = default)
    {
        using var request = vault.Request(HttpMethod.Get, path, secret);
        if (maxWait is not null)
            request.Headers.TryAddWithoutValidation("x-vault-max-wait", maxWait);
        return await vault.Http.SendAsync(request, ct);
    }

    private static async Task SpendBurstAsync(VaultHarness vault, string secret, int burst)
    {
        for (var i = 0; i < burst; i++)
        {
            using var response = await CallAsync(vault, secret);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("x-vault-rate-wait-ms"));
        }
    }

    private static int AmazonCalls(VaultHarness vault, int? status = null) =>
        vault.Simulator.State.Calls.Snapshot().Count(c => c.Host == SpHost && c.PathAndQuery.StartsWith(OrdersPath, StringComparison.Ordinal)
            && (status is null || c.Status == status));

    private static async Task UntilAsync(Func<bool> done, string what)
    {
        for (var i = 0; i < 3000 && !done(); i++)
            await Task.Delay(10);
        Assert.True(done(), what);
    }

    /// <summary>
    /// Calls until one waits for a token instead of being refused (the vault hears of a disconnect a moment later; until
    /// then the abandoned place is still held), lets the wait pass and returns that call's answer.
    /// </summary>
    private static async Task<HttpResponseMessage> TakeTheReleasedTokenAsync(VaultHarness vault, WatchedClock clock, string secret, string maxWait, TimeSpan wait)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var call = CallAsync(vault, secret, maxWait);
            while (!call.IsCompleted && !clock.TryTakeWait(out _))
                await Task.Delay(10);
            if (!call.IsCompleted)
            {
                clock.Advance(wait);
                return await call;
            }
            using var refused = await call;
            Assert.Equal((HttpStatusCode)429, refused.StatusCode);
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException("the abandoned token never came back");
    }

    /// <summary>Seeds seller-1, makes a first call (the vault learns Amazon's rate) and has Amazon answer the next attempt 429.</summary>
    private static async Task<string> SeedAndThrottleNextCallAsync(VaultHarness vault)
    {
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        using (var first = await CallAsync(vault, seeded.Secret))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        vault.Simulator.State.Faults.Add(new FaultSpec(Host: SpHost, Next: [JsonSerializer.SerializeToElement(429)]));
        return seeded.Secret;
    }

    private static async Task<string?> CodeAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("code", out var code) ? code.GetString() : null;

    private static long WaitedMs(HttpResponseMessage response) =>
        long.Parse(response.Headers.GetValues("x-vault-rate-wait-ms").Single(), CultureInfo.InvariantCulture);

    [Fact]
    public async Task ABurstOfFiftyConcurrentCallsOnAnOperationWithBurstTwentyIsServedInOrderWithoutAnAmazon429()
    {
        var clock = new WatchedClock();
        // Amazon enforces 10/s with a burst of 20 on the same clock, and says so in x-amzn-RateLimit-Limit.
        await using var vault = await StartAsync(clock, orders: new RateLimit(10, 20));
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        using (var first = await CallAsync(vault, seeded.Secret))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode); // the vault learns Amazon's rate
        clock.Advance(TimeSpan.FromSeconds(2)); // both buckets full again

        var calls = Enumerable.Range(0, 50).Select(_ => CallAsync(vault, seeded.Secret)).ToList();
        for (var i = 0; i < 30; i++)
            await clock.NextWaitAsync();
        await UntilAsync(() => AmazonCalls(vault) == 21, "the burst reaches Amazon");
        // One token at a time: each step lets exactly one waiting call go, and the next step waits until it reached
        // Amazon, so no call reaches Amazon later than its turn however slowly the machine runs (the clock is shared).
        // The first is 0.2 s away (a token and the 0.1 s lead), each next 0.1 s later; steps end 0.5 ms past each.
        clock.Advance(TimeSpan.FromMilliseconds(100.5));
        for (var k = 1; k <= 30; k++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await UntilAsync(() => AmazonCalls(vault) == 21 + k, $"waiting call {k} reaches Amazon");
        }
        var responses = await Task.WhenAll(calls);

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(0, AmazonCalls(vault, 429));
        Assert.Equal(51, AmazonCalls(vault));
        Assert.Equal(20, responses.Count(r => !r.Headers.Contains("x-vault-rate-wait-ms")));
        // First come, first served: each waiting call had its own slot, one token (100 ms) after the one before.
        var waited = responses.Where(r => r.Headers.Contains("x-vault-rate-wait-ms")).Select(WaitedMs).Order().ToList();
        Assert.Equal(30, waited.Count);
        for (var k = 0; k < 30; k++)
            Assert.InRange(waited[k], (k + 2) * 100, ((k + 2) * 100) + 1);
        foreach (var response in responses)
            response.Dispose();
    }

    [Fact]
    public async Task ACallWaitsAtMostXVaultMaxWaitElse429RateLimitedWithoutCallingAmazon()
    {
        var clock = new WatchedClock();
        await using var vault = await StartAsync(clock); // getOrders: 0.0167/s, burst 20 (Amazon's default)
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        await SpendBurstAsync(vault, seeded.Secret, 20);

        using var byDefault = await CallAsync(vault, seeded.Secret);
        using var noWait = await CallAsync(vault, seeded.Secret, "0");
        var longest = CallAsync(vault, seeded.Secret, "60");
        var wait = await clock.NextWaitAsync();
        Assert.False(longest.IsCompleted);
        clock.Advance(wait);
        using var waited = await longest;

        Assert.Equal((HttpStatusCode)429, byDefault.StatusCode);
        Assert.Equal("rate_limited", await CodeAsync(byDefault));
        Assert.Equal("50", byDefault.Headers.GetValues("Retry-After").Single()); // the next token in 59.9 s, 10 s of it waited
        Assert.Equal((HttpStatusCode)429, noWait.StatusCode);
        Assert.Equal("60", noWait.Headers.GetValues("Retry-After").Single());
        Assert.InRange(wait.TotalSeconds, 59.95, 60); // a slot (1 / 0.0167 s) and the 0.1 s lead: still within the longest wait
        Assert.Equal(HttpStatusCode.OK, waited.StatusCode);
        Assert.InRange(WaitedMs(waited), 59_950, 60_000);
        Assert.Equal(21, AmazonCalls(vault));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("60.5")]
    [InlineData("61")]
    [InlineData("1e3")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("5, 5")]
    public async Task ABadXVaultMaxWaitIs400WithoutCallingAmazon(string value)
    {
        await using var vault = await StartAsync(new WatchedClock());
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");

        using var response = await CallAsync(vault, seeded.Secret, value);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", await CodeAsync(response));
        Assert.Contains("x-vault-max-wait", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, AmazonCalls(vault));
    }

    [Fact]
    public async Task ABadXVaultMaxWaitIs400BeforeTheSecretOrTheConnectionIsLookedAt()
    {
        await using var vault = await StartAsync(new WatchedClock());
        var secret = TestSecrets.Add("seller-secret", Vault.Crypto.SellerSecret.Generate())!;

        // No such connection (404) and a secret nobody sealed with: the header is checked first, with the other headers.
        using var response = await CallAsync(vault, secret, "61", "/v1/sellers/nobody/sp-api/orders/v0/orders");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", await CodeAsync(response));
        Assert.Contains("x-vault-max-wait", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARetryAfterAmazons429WaitsForTheNextTokenOfTheBucketWhichAmazons429Emptied()
    {
        var clock = new WatchedClock();
        await using var vault = await StartAsync(clock, orders: new RateLimit(1, 20));
        var secret = await SeedAndThrottleNextCallAsync(vault);

        var throttled = CallAsync(vault, secret);
        var retryWait = await clock.NextWaitAsync();
        using var behind = await CallAsync(vault, secret, "0");
        clock.Advance(retryWait);
        using var retried = await throttled;

        // Amazon's bucket is empty: the retry waits a token and the headroom (0.1 s at 1/s), and holds that token.
        Assert.Equal(TimeSpan.FromSeconds(1.1), retryWait);
        Assert.Equal((HttpStatusCode)429, behind.StatusCode);
        Assert.Equal("rate_limited", await CodeAsync(behind));
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(1100, WaitedMs(retried)); // the call itself did not wait; its retry did
        Assert.Equal(3, AmazonCalls(vault));
        Assert.Equal(1, AmazonCalls(vault, 429));
    }

    [Fact]
    public async Task ARetryThatWouldWaitPastTheCallersMaxWaitIsNotMadeAndAmazons429ComesBack()
    {
        var clock = new WatchedClock();
        await using var vault = await StartAsync(clock, orders: new RateLimit(1, 20));
        var secret = await SeedAndThrottleNextCallAsync(vault);

        // The next token is 1.1 s away, the caller waits at most 1 s. Any wait the vault starts is let pass.
        var call = CallAsync(vault, secret, "1");
        for (var i = 0; i < 3000 && !call.IsCompleted; i++)
        {
            if (clock.TryTakeWait(out var wait))
                clock.Advance(wait);
            else
                await Task.Delay(10);
        }
        using var response = await call;

        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Contains("QuotaExceeded", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, AmazonCalls(vault));
    }

    [Fact]
    public async Task ARetryAbandonedWhileItWaitsForItsTokenGivesTheTokenBack()
    {
        var clock = new WatchedClock();
        await using var vault = await StartAsync(clock, orders: new RateLimit(1, 20));
        var secret = await SeedAndThrottleNextCallAsync(vault);
        using var abandon = new CancellationTokenSource();
        var abandoned = CallAsync(vault, secret, ct: abandon.Token);
        Assert.Equal(TimeSpan.FromSeconds(1.1), await clock.NextWaitAsync()); // its retry holds the next token

        await abandon.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        // While the retry's token is held the next is 2.1 s away, past this call's 1.5 s: refused. Once given back, 1.1 s.
        using var taken = await TakeTheReleasedTokenAsync(vault, clock, secret, "1.5", TimeSpan.FromSeconds(1.1));

        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Equal(1100, WaitedMs(taken));
        Assert.Equal(3, AmazonCalls(vault)); // the first, the 429, and the call that took the token back: no retry went
    }

    [Fact]
    public async Task ARateAmazonAnnouncesInXAmznRateLimitLimitIsFollowed()
    {
        var clock = new WatchedClock();
        await using var vault = await StartAsync(clock, orders: new RateLimit(1, 20));
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        await SpendBurstAsync(vault, seeded.Secret, 20);

        // At the default 0.0167/s the next token is a minute away, past the default 10 s wait; at Amazon's 1/s it is a second
        // (and the 0.1 s lead).
        var next = CallAsync(vault, seeded.Secret);
        var wait = await clock.NextWaitAsync();
        clock.Advance(wait);
        using var response = await next;

        Assert.Equal(TimeSpan.FromSeconds(1.1), wait);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1100, WaitedMs(response));
    }

    [Fact]
    public async Task AmazonsOwn429PassesThroughUnchangedAndEmptiesTheBucket()
    {
        await using var vault = await StartAsync(new WatchedClock());
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        vault.Simulator.State.Faults.Add(new FaultSpec(Host: SpHost, Next: [JsonSerializer.SerializeToElement(429)]));

        using var throttled = await CallAsync(vault, seeded.Secret);
        using var next = await CallAsync(vault, seeded.Secret, "0");

        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.Contains("QuotaExceeded", await throttled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // 19 tokens were left by the vault's estimate; Amazon's word wins.
        Assert.Equal((HttpStatusCode)429, next.StatusCode);
        Assert.Equal("rate_limited", await CodeAsync(next));
        Assert.Equal(1, AmazonCalls(vault));
    }

    [Fact]
    public async Task AnAbandonedCallReleasesItsPlaceInTheQueue()
    {
        var clock = new WatchedClock();
        await using var vault = await StartAsync(clock);
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        await SpendBurstAsync(vault, seeded.Secret, 20);
        using var abandon = new CancellationTokenSource();
        var abandoned = CallAsync(vault, seeded.Secret, "60", ct: abandon.Token);
        await clock.NextWaitAsync(); // it holds the next token, a minute away

        using var behind = await CallAsync(vault, seeded.Secret, "60"); // two minutes away: refused
        await abandon.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        using var taken = await TakeTheReleasedTokenAsync(vault, clock, seeded.Secret, "60", TimeSpan.FromSeconds(60));

        Assert.Equal((HttpStatusCode)429, behind.StatusCode);
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.InRange(WaitedMs(taken), 59_950, 60_000);
        Assert.Equal(21, AmazonCalls(vault));
    }

    [Fact]
    public async Task MetricsCountTokensWaitsAndBothKindsOf429ByOperation()
    {
        var clock = new WatchedClock();
        await using var vault = await StartAsync(clock, orders: new RateLimit(1, 20));
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        await SpendBurstAsync(vault, seeded.Secret, 20);
        var next = CallAsync(vault, seeded.Secret);
        clock.Advance(await clock.NextWaitAsync());
        (await next).Dispose();
        (await CallAsync(vault, seeded.Secret, "0")).Dispose(); // refused by the vault
        // Retry-After beyond the retries' 5 s: the 429 comes back rather than being retried.
        vault.Simulator.State.Faults.Add(new FaultSpec(Host: SpHost, RetryAfterSeconds: 30, Next: [JsonSerializer.SerializeToElement(429)]));
        clock.Advance(TimeSpan.FromSeconds(2));
        (await CallAsync(vault, seeded.Secret)).Dispose(); // Amazon's 429

        var text = await vault.Http.GetStringAsync("/metrics");

        Assert.Contains("vault_pacing_tokens_total{operation=\"getOrders\"} 22", text, StringComparison.Ordinal);
        Assert.Contains("vault_pacing_waits_total{operation=\"getOrders\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("vault_pacing_wait_duration_seconds_count{operation=\"getOrders\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("vault_pacing_refused_total{operation=\"getOrders\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("vault_pacing_amazon_throttled_total{operation=\"getOrders\"} 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("seller-1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOperationNotInTheTableIsNotPaced()
    {
        await using var vault = await StartAsync(new WatchedClock());
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");

        for (var i = 0; i < 40; i++)
        {
            using var response = await CallAsync(vault, seeded.Secret, "0", "/v1/sellers/seller-1/sp-api/nothing/here");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
