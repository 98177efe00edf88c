using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Vault.Api.Amazon;
using Vault.Api.Observability;

namespace Vault.Tests.Observability;

/// <summary>The /metrics writer on its own: names, the text format, which meters it takes, and the hot path's cost.</summary>
public sealed class PrometheusExportTests : IDisposable
{
    private readonly ServiceProvider _app = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly PrometheusExport _export;

    public PrometheusExportTests() => _export = new PrometheusExport(Meters);

    private IMeterFactory Meters => _app.GetRequiredService<IMeterFactory>();

    [Theory]
    [InlineData("http.server.request.duration", "s", false, "http_server_request_duration_seconds")]
    [InlineData("vault.kdf.duration", "s", false, "vault_kdf_duration_seconds")]
    [InlineData("vault.kdf.queue.length", "{derivation}", false, "vault_kdf_queue_length")]
    [InlineData("vault.lwa.calls", "{call}", true, "vault_lwa_calls_total")]
    [InlineData("vault.access_token_cache", "{lookup}", true, "vault_access_token_cache_total")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", true, "dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("already_seconds", "s", false, "already_seconds")]
    [InlineData("requests_total", null, true, "requests_total")]
    public void NamesFollowOpenTelemetrysPrometheusRules(string instrument, string? unit, bool counter, string expected) =>
        Assert.Equal(expected, PrometheusFamily.MetricName(instrument, unit, counter));

    [Fact]
    public void CountersGaugesAndHistogramsAreWrittenInTheTextFormat()
    {
        var metrics = new VaultMetrics(Meters);
        metrics.LwaCall("refresh_token", LwaFailure.None);
        metrics.LwaCall("refresh_token", LwaFailure.None);
        metrics.LwaCall("authorization_code", LwaFailure.InvalidGrant);
        metrics.KdfQueueLength(3);
        metrics.KdfRefused();
        var histogram = Meters.Create(VaultMetrics.MeterName).CreateHistogram("test.wait", "s", "Waits.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 1] });
        foreach (var value in (double[])[0.25, 0.5, 4])
            histogram.Record(value, new KeyValuePair<string, object?>("queue", "a\"b\\c\nd"));

        var text = _export.Render();

        Assert.Contains("""
            # HELP vault_lwa_calls_total Calls to Login with Amazon's token endpoint.
            # TYPE vault_lwa_calls_total counter
            vault_lwa_calls_total{grant="authorization_code",outcome="InvalidGrant"} 1
            vault_lwa_calls_total{grant="refresh_token",outcome="None"} 2

            """.ReplaceLineEndings("\n"), text, StringComparison.Ordinal);
        Assert.Contains("# TYPE vault_kdf_queue_length gauge\nvault_kdf_queue_length 3\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE vault_kdf_refused_total counter\nvault_kdf_refused_total 1\n", text, StringComparison.Ordinal);
        Assert.Contains("""
            # TYPE test_wait_seconds histogram
            test_wait_seconds_bucket{queue="a\"b\\c\nd",le="0.25"} 1
            test_wait_seconds_bucket{queue="a\"b\\c\nd",le="1"} 2
            test_wait_seconds_bucket{queue="a\"b\\c\nd",le="+Inf"} 3
            test_wait_seconds_sum{queue="a\"b\\c\nd"} 4.75
            test_wait_seconds_count{queue="a\"b\\c\nd"} 3

            """.ReplaceLineEndings("\n"), text, StringComparison.Ordinal);
        // An instrument nobody recorded yet has no family on the page.
        Assert.DoesNotContain("vault_access_token_cache_total", text, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyThisAppsMetersAndTheRuntimesAreExported()
    {
        using var other = new ServiceCollection().AddMetrics().BuildServiceProvider();
        new VaultMetrics(other.GetRequiredService<IMeterFactory>()).KdfRefused();
        Meters.Create("Some.Library").CreateCounter<long>("library.calls").Add(1);
        using var global = new Meter(VaultMetrics.MeterName);
        global.CreateCounter<long>("vault.global").Add(1);

        var text = _export.Render();

        Assert.DoesNotContain("vault_kdf_refused_total", text, StringComparison.Ordinal);
        Assert.DoesNotContain("library_calls", text, StringComparison.Ordinal);
        Assert.DoesNotContain("vault_global", text, StringComparison.Ordinal);
        Assert.Contains("\ndotnet_process_memory_working_set_bytes ", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ACacheHitAllocatesNothingWhileExported()
    {
        var metrics = new VaultMetrics(Meters);
        metrics.AccessTokenCacheHit(); // the series' first measurement creates it
        metrics.AccessTokenCacheMiss();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
            metrics.AccessTokenCacheHit();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Contains("vault_access_token_cache_total{result=\"hit\"} 10001\n", _export.Render(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _export.Dispose();
        _app.Dispose();
    }
}
