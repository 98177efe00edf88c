using System.Diagnostics.Metrics;
using Vault.Api.Observability;

namespace Vault.Api.Pacing;

/// <summary>
/// Pacing's instruments on the vault's meter (so /metrics shows them with the others), tagged by operation name only:
/// never a seller or a tenant.
/// </summary>
public sealed class PacingMetrics
{
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _waits;
    private readonly Histogram<double> _waitDuration;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _amazonThrottled;

    public PacingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(VaultMetrics.MeterName);
        // vault_pacing_tokens_total{operation}
        _tokens = meter.CreateCounter<long>("vault.pacing.tokens", "{token}", "Tokens taken from an operation's bucket: paced calls, and their retries after Amazon's 429, let through to Amazon.");
        // vault_pacing_waits_total{operation}
        _waits = meter.CreateCounter<long>("vault.pacing.waits", "{call}", "Paced calls that waited for a token.");
        // vault_pacing_wait_duration_seconds{operation}
        _waitDuration = meter.CreateHistogram("vault.pacing.wait.duration", "s", "How long a paced call waited for its token.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        // vault_pacing_refused_total{operation}
        _refused = meter.CreateCounter<long>("vault.pacing.refused", "{call}", "Calls answered 429 rate_limited by the vault, without calling Amazon.");
        // vault_pacing_amazon_throttled_total{operation}
        _amazonThrottled = meter.CreateCounter<long>("vault.pacing.amazon_throttled", "{call}", "Attempts of paced calls Amazon still answered 429 (retried or not).");
    }

    public void Granted(string operation, TimeSpan wait)
    {
        var tag = new KeyValuePair<string, object?>("operation", operation);
        _tokens.Add(1, tag);
        if (wait <= TimeSpan.Zero)
            return;
        _waits.Add(1, tag);
        _waitDuration.Record(wait.TotalSeconds, tag);
    }

    public void Refused(string operation) => _refused.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void AmazonThrottled(string operation) => _amazonThrottled.Add(1, new KeyValuePair<string, object?>("operation", operation));
}
