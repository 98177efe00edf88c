using Prometheus;

namespace Vault.Api.Extensions;

/// <summary>
/// The vault's own Prometheus metrics (request counts and latencies come from prometheus-net's HTTP middleware,
/// labelled by route template, so no seller id or path ever becomes a label).
/// </summary>
public static class VaultMetrics
{
    public static readonly Histogram KdfSeconds = Metrics.CreateHistogram("vault_kdf_duration_seconds", "Time to derive one key.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 10) });

    public static readonly Gauge KdfQueue = Metrics.CreateGauge("vault_kdf_queue_length", "Key derivations waiting for a slot.");

    public static readonly Counter KdfRefused = Metrics.CreateCounter("vault_kdf_refused_total", "Derivations refused with 503 busy.");

    public static readonly Counter LwaCalls = Metrics.CreateCounter("vault_lwa_calls_total", "Calls to Login with Amazon's token endpoint.",
        new CounterConfiguration { LabelNames = ["grant", "outcome"] });

    public static readonly Counter AccessTokenCache = Metrics.CreateCounter("vault_access_token_cache_total", "Access-token lookups by result (hit or miss).",
        new CounterConfiguration { LabelNames = ["result"] });

    // Resolved once: a label lookup per proxied call allocates its label array.
    public static readonly Counter.Child AccessTokenCacheHits = AccessTokenCache.WithLabels("hit");

    public static readonly Counter.Child AccessTokenCacheMisses = AccessTokenCache.WithLabels("miss");

    public static readonly Counter AmazonResponses = Metrics.CreateCounter("vault_amazon_responses_total", "Proxied answers from Amazon by host and status.",
        new CounterConfiguration { LabelNames = ["host", "status"] });
}
