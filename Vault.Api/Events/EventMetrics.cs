using System.Diagnostics.Metrics;
using System.Globalization;
using Vault.Api.Observability;
using Vault.Storage;

namespace Vault.Api.Events;

/// <summary>The webhook delivery's instruments, on the vault's meter (so /metrics shows them with the others).</summary>
public sealed class EventMetrics
{
    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _latency;
    private long _pending;

    public EventMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(VaultMetrics.MeterName);
        // vault_webhook_deliveries_total{result,status}: result delivered, retry or failed
        _deliveries = meter.CreateCounter<long>("vault.webhook.deliveries", "{attempt}", "Webhook delivery attempts by result.");
        // vault_webhook_delivery_latency_seconds: from the event to its acknowledged delivery
        _latency = meter.CreateHistogram("vault.webhook.delivery.latency", "s", "Time from an event to its acknowledged delivery.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 2, 5, 15, 60, 300, 3600, 21600, 86400, 259200] });
        // vault_events_pending: events of every tenant not yet delivered nor failed, as of the last delivery pass
        meter.CreateObservableGauge("vault.events.pending", () => Interlocked.Read(ref _pending), "{event}", "Events waiting for delivery.");
    }

    public void Pending(long count) => Interlocked.Exchange(ref _pending, count);

    public void Attempt(string state, int? status, TimeSpan? latency)
    {
        var result = state == DeliveryStates.Pending ? "retry" : state;
        _deliveries.Add(1, new("result", result), new("status", status?.ToString(CultureInfo.InvariantCulture) ?? "none"));
        if (latency is { } l)
            _latency.Record(Math.Max(0, l.TotalSeconds));
    }
}
