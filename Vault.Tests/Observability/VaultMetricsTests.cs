using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Vault.Api.Observability;
using Vault.Api.Tokens;
using Vault.Tests.Support;

namespace Vault.Tests.Observability;

/// <summary>
/// The vault's metrics are per app: read with <see cref="MetricCollector{T}"/> on the app's meter factory, and on /metrics,
/// where two vaults in one process never show each other's numbers.
/// </summary>
public class VaultMetricsTests
{
    private const string Proxied = "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations";

    [Fact]
    public async Task AProxiedCallCountsItsCacheLookupLwaCallDerivationAndAnswerOnItsOwnApp()
    {
        await using var busy = await VaultHarness.StartAsync();
        await using var idle = await VaultHarness.StartAsync();
        using var cache = Collect<long>(busy, "vault.access_token_cache");
        using var lwa = Collect<long>(busy, "vault.lwa.calls");
        using var kdf = Collect<double>(busy, "vault.kdf.duration");
        using var amazon = Collect<long>(busy, "vault.amazon.responses");
        using var idleCache = Collect<long>(idle, "vault.access_token_cache");
        var seeded = await Seed.ConnectionAsync(busy, "seller-1");

        for (var i = 0; i < 2; i++)
        {
            using var call = await busy.SendAsync(HttpMethod.Get, Proxied, seeded.Secret);
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        Assert.Equal(["miss", "hit"], cache.GetMeasurementSnapshot().Select(m => m.Tags["result"]));
        var refresh = Assert.Single(lwa.GetMeasurementSnapshot());
        Assert.True(refresh.MatchesTags(Tag("grant", "refresh_token"), Tag("outcome", "None")));
        var derivation = Assert.Single(kdf.GetMeasurementSnapshot());
        Assert.InRange(derivation.Value, 0.0001, 30);
        Assert.Equal(2, amazon.GetMeasurementSnapshot().Count(m => m.MatchesTags(Tag("host", "sellingpartnerapi-na.amazon.com"), Tag("status", "200"))));
        Assert.Empty(idleCache.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task TheKdfGateCountsRefusalsAndShowsItsQueueLength()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = services.GetRequiredService<IMeterFactory>();
        using var refused = new MetricCollector<long>(meters, VaultMetrics.MeterName, "vault.kdf.refused");
        using var queue = new MetricCollector<int>(meters, VaultMetrics.MeterName, "vault.kdf.queue.length");
        using var durations = new MetricCollector<double>(meters, VaultMetrics.MeterName, "vault.kdf.duration");
        using var gate = new KdfGate(1, 2, new VaultMetrics(meters));
        using var release = new ManualResetEventSlim();
        var running = Task.Run(() => gate.RunAsync("a", () => { release.Wait(); return 1; }, CancellationToken.None));
        while (gate.Derivations == 0)
            await Task.Delay(10);

        var queued = new[] { "a", "b" }.Select(tenant => gate.RunAsync(tenant, () => 2, CancellationToken.None)).ToList();
        var waiting = queue.LastMeasurement?.Value;
        var refusedCall = await gate.RunAsync("c", () => 3, CancellationToken.None);
        release.Set();
        await running;
        await Task.WhenAll(queued);

        Assert.False(refusedCall.Ran);
        Assert.Equal(2, waiting);
        Assert.Equal(1, Assert.Single(refused.GetMeasurementSnapshot()).Value);
        Assert.Equal(0, queue.LastMeasurement?.Value);
        Assert.Equal(3, durations.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task TwoVaultsInOneProcessEachShowOnlyTheirOwnNumbers()
    {
        await using var busy = await VaultHarness.StartAsync();
        await using var idle = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(busy, "seller-1");
        for (var i = 0; i < 3; i++)
        {
            using var call = await busy.SendAsync(HttpMethod.Get, Proxied, seeded.Secret);
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        var busyText = await MetricsTextAsync(busy);
        var idleText = await MetricsTextAsync(idle);

        // The first call mints (a miss and one LWA refresh), the next two find the token.
        Assert.Equal(1, Value(busyText, "vault_access_token_cache_total{result=\"miss\"}"));
        Assert.Equal(2, Value(busyText, "vault_access_token_cache_total{result=\"hit\"}"));
        Assert.Equal(1, Value(busyText, "vault_lwa_calls_total{grant=\"refresh_token\",outcome=\"None\"}"));
        Assert.Equal(3, Value(busyText, "vault_amazon_responses_total{host=\"sellingpartnerapi-na.amazon.com\",status=\"200\"}"));
        Assert.DoesNotContain("vault_access_token_cache_total{", idleText, StringComparison.Ordinal);
        Assert.DoesNotContain("vault_lwa_calls_total{", idleText, StringComparison.Ordinal);
        Assert.DoesNotContain("vault_amazon_responses_total{", idleText, StringComparison.Ordinal);
        Assert.DoesNotContain("sp-api/{**path}", idleText, StringComparison.Ordinal);
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private static MetricCollector<T> Collect<T>(VaultHarness vault, string instrument)
        where T : struct =>
        new(vault.Services.GetRequiredService<IMeterFactory>(), VaultMetrics.MeterName, instrument);

    private static async Task<string> MetricsTextAsync(VaultHarness vault)
    {
        using var response = await vault.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of one series, given as its name and labels exactly as written on /metrics.</summary>
    private static double Value(string text, string series)
    {
        var line = text.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no series {series} on /metrics");
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
