using System.Diagnostics.Metrics;
using System.Numerics;
using System.Text;

namespace Vault.Api.Observability;

/// <summary>
/// /metrics for one app: a <see cref="MeterListener"/> that takes the instruments of this app's own meters (the vault's
/// and ASP.NET Core's hosting meter, both from the app's <see cref="IMeterFactory"/>) and the runtime's process-wide
/// ones, and writes them in the Prometheus text format. Disposed with the app, so nothing outlives it. Instrument
/// names become Prometheus names as OpenTelemetry's Prometheus exporter does it (PrometheusFamily).
/// </summary>
/// <remarks>
/// Not prometheus-net's MeterAdapter: it prefixes every name with its meter's name, exports counters as gauges, and
/// allocates (a sorted tag list, label arrays, a closure) on every measurement, the access-token cache hit included.
/// </remarks>
public sealed class PrometheusExport : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>ASP.NET Core's own: http.server.request.duration (method normalized, labelled by route) and active requests.</summary>
    public const string HostingMeter = "Microsoft.AspNetCore.Hosting";

    /// <summary>The runtime's (GC, CPU, working set, thread pool): one per process, the same figures for every app.</summary>
    public const string RuntimeMeter = "System.Runtime";

    private readonly IMeterFactory _meters;
    private readonly MeterListener _listener = new();
    private readonly List<PrometheusFamily> _families = [];
    private readonly Lock _scrape = new();

    public PrometheusExport(IMeterFactory meters)
    {
        _meters = meters;
        _listener.InstrumentPublished = Publish;
        _listener.SetMeasurementEventCallback<byte>(Record);
        _listener.SetMeasurementEventCallback<short>(Record);
        _listener.SetMeasurementEventCallback<int>(Record);
        _listener.SetMeasurementEventCallback<long>(Record);
        _listener.SetMeasurementEventCallback<float>(Record);
        _listener.SetMeasurementEventCallback<double>(Record);
        _listener.SetMeasurementEventCallback<decimal>(Record);
        _listener.Start();
    }

    /// <summary>The current text of /metrics; observable instruments (the runtime's) are read now.</summary>
    public string Render()
    {
        lock (_scrape)
        {
            _listener.RecordObservableInstruments();
            PrometheusFamily[] families;
            lock (_families)
                families = [.. _families.OrderBy(f => f.Name, StringComparer.Ordinal)];
            var text = new StringBuilder(4096);
            string? previous = null;
            foreach (var family in families)
            {
                // Two instruments with one Prometheus name would make a malformed page; the first wins.
                if (family.Name != previous)
                    family.WriteTo(text);
                previous = family.Name;
            }
            return text.ToString();
        }
    }

    public async Task WriteAsync(HttpContext context)
    {
        context.Response.ContentType = ContentType;
        await context.Response.WriteAsync(Render(), context.RequestAborted);
    }

    public void Dispose() => _listener.Dispose();

    private bool Exports(Instrument instrument) => instrument.Meter.Name switch
    {
        VaultMetrics.MeterName or HostingMeter => ReferenceEquals(instrument.Meter.Scope, _meters),
        RuntimeMeter => instrument.Meter.Scope is null,
        _ => false,
    };

    private void Publish(Instrument instrument, MeterListener listener)
    {
        if (!Exports(instrument) || PrometheusFamily.For(instrument) is not { } family)
            return;
        lock (_families)
            _families.Add(family);
        listener.EnableMeasurementEvents(instrument, family);
    }

    private static void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        where T : struct, INumberBase<T> =>
        ((PrometheusFamily)state!).Record(double.CreateTruncating(value), tags);
}
