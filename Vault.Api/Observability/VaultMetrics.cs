using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Vault.Api.Amazon;

namespace Vault.Api.Observability;

/// <summary>
/// The vault's own instruments, one set per app (created from its <see cref="IMeterFactory"/>, so two vaults in one
/// process never share numbers). /metrics shows them under the Prometheus names in the comments (PrometheusExport
/// turns "vault.kdf.duration" in seconds into vault_kdf_duration_seconds). No seller id or path is ever a tag.
/// </summary>
public sealed class VaultMetrics
{
    public const string MeterName = "Vault.Api";

    // Built once: a tag made per call would be fine too, but the cache hit is the warm path and stays allocation-free.
    private static readonly KeyValuePair<string, object?> CacheHit = new("result", "hit");
    private static readonly KeyValuePair<string, object?> CacheMiss = new("result", "miss");

    private readonly Histogram<double> _kdfDuration;
    private readonly Gauge<int> _kdfQueue;
    private readonly Counter<long> _kdfRefused;
    private readonly Counter<long> _lwaCalls;
    private readonly Counter<long> _accessTokenCache;
    private readonly Counter<long> _amazonResponses;
    private readonly Gauge<int> _clientSecretInUse;

    public VaultMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        // vault_kdf_duration_seconds
        _kdfDuration = meter.CreateHistogram("vault.kdf.duration", "s", "Time to derive one key.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56] });
        // vault_kdf_queue_length
        _kdfQueue = meter.CreateGauge<int>("vault.kdf.queue.length", "{derivation}", "Key derivations waiting for a slot.");
        // vault_kdf_refused_total
        _kdfRefused = meter.CreateCounter<long>("vault.kdf.refused", "{derivation}", "Derivations refused with 503 busy.");
        // vault_lwa_calls_total{grant,outcome}
        _lwaCalls = meter.CreateCounter<long>("vault.lwa.calls", "{call}", "Calls to Login with Amazon's token endpoint.");
        // vault_access_token_cache_total{result}
        _accessTokenCache = meter.CreateCounter<long>("vault.access_token_cache", "{lookup}", "Access-token lookups by result (hit or miss).");
        // vault_amazon_responses_total{host,status}
        _amazonResponses = meter.CreateCounter<long>("vault.amazon.responses", "{response}", "Proxied answers from Amazon by host and status.");
        // vault_lwa_client_secret_in_use{api,secret}
        _clientSecretInUse = meter.CreateGauge<int>("vault.lwa.client_secret.in_use", "{secret}", "1 for the LWA client secret each API presents (current, previous, rotated, rotated-old), 0 for the others.");
    }

    public void KdfRefused() => _kdfRefused.Add(1);

    public void KdfQueueLength(int waiting) => _kdfQueue.Record(waiting);

    /// <summary>Times one derivation until disposed.</summary>
    public KdfTimer TimeKdf() => new(_kdfDuration, Stopwatch.GetTimestamp());

    public void LwaCall(string grant, LwaFailure outcome) => _lwaCalls.Add(1, new("grant", grant), new("outcome", outcome.ToString()));

    public void AccessTokenCacheHit() => _accessTokenCache.Add(1, CacheHit);

    public void AccessTokenCacheMiss() => _accessTokenCache.Add(1, CacheMiss);

    public void AmazonResponse(string host, int status) =>
        _amazonResponses.Add(1, new("host", host), new("status", status.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Amazon could not be reached, timed out or the circuit was open: no status to count.</summary>
    public void AmazonError(string host) => _amazonResponses.Add(1, new("host", host), new("status", "error"));

    /// <summary>Which secret <paramref name="api"/> presents now: 1 for it, 0 for every other slot, never a value.</summary>
    public void ClientSecretInUse(string api, string slot)
    {
        foreach (var name in (string[])["current", "previous", "rotated", "rotated-old"])
            _clientSecretInUse.Record(name == slot ? 1 : 0, new("api", api), new("secret", name));
    }

    public readonly struct KdfTimer(Histogram<double> duration, long started) : IDisposable
    {
        public void Dispose() => duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
