using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Vault.Api.Observability;

/// <summary>
/// One instrument as one Prometheus metric family: its name, type and series (one per tag set). Recording finds the
/// series without allocating (a hash of the tags, then a compare), so only a tag set's first measurement allocates.
/// </summary>
/// <remarks>
/// Names follow OpenTelemetry's Prometheus compatibility rules: dots become underscores, the unit is appended
/// ("s" as _seconds, "By" as _bytes, annotations in braces dropped) and counters end in _total.
/// https://opentelemetry.io/docs/specs/otel/compatibility/prometheus_and_openmetrics/
/// </remarks>
public sealed class PrometheusFamily
{
    private enum Kind { Counter, ObservedCounter, Gauge, UpDown, Histogram }

    // OpenTelemetry's default bounds, for a histogram whose instrument gives no advice.
    private static readonly double[] DefaultBounds = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly Kind _kind;
    private readonly string _help;
    private readonly double[] _bounds;
    private readonly Lock _adding = new();
    private PrometheusSeries[] _series = [];

    private PrometheusFamily(string name, string help, Kind kind, double[] bounds)
    {
        Name = name;
        _help = help;
        _kind = kind;
        _bounds = bounds;
    }

    public string Name { get; }

    /// <summary>The family for an instrument, or null for an instrument kind this exporter does not know.</summary>
    public static PrometheusFamily? For(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType)
            return null;
        var definition = instrument.GetType().GetGenericTypeDefinition();
        Kind? kind = definition == typeof(Counter<>) ? Kind.Counter
            : definition == typeof(ObservableCounter<>) ? Kind.ObservedCounter
            : definition == typeof(UpDownCounter<>) ? Kind.UpDown
            : definition == typeof(Histogram<>) ? Kind.Histogram
            : definition == typeof(Gauge<>) || definition == typeof(ObservableGauge<>) || definition == typeof(ObservableUpDownCounter<>) ? Kind.Gauge
            : null;
        if (kind is not { } known)
            return null;
        var counter = known is Kind.Counter or Kind.ObservedCounter;
        return new(MetricName(instrument.Name, instrument.Unit, counter), instrument.Description ?? "", known,
            known == Kind.Histogram ? BoundsOf(instrument) : []);
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Find(tags);
        switch (_kind)
        {
            case Kind.Counter or Kind.UpDown:
                series.Add(value);
                break;
            case Kind.Histogram:
                series.Observe(value, _bounds);
                break;
            default:
                series.Set(value);
                break;
        }
    }

    public void WriteTo(StringBuilder text)
    {
        var series = Volatile.Read(ref _series);
        if (series.Length == 0)
            return;
        text.Append("# HELP ").Append(Name).Append(' ').Append(_help.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)).Append('\n');
        text.Append("# TYPE ").Append(Name).Append(' ').Append(_kind switch
        {
            Kind.Counter or Kind.ObservedCounter => "counter",
            Kind.Histogram => "histogram",
            _ => "gauge",
        }).Append('\n');
        foreach (var one in series.OrderBy(s => s.Labels, StringComparer.Ordinal))
        {
            if (_kind == Kind.Histogram)
                one.WriteHistogram(text, Name, _bounds);
            else
                one.WriteValue(text, Name);
        }
    }

    public static string MetricName(string instrument, string? unit, bool counter)
    {
        var name = PrometheusSeries.Sanitize(counter && instrument.EndsWith("_total", StringComparison.Ordinal) ? instrument[..^6] : instrument);
        var suffix = unit switch
        {
            null or "" or "1" => null,
            "s" => "seconds",
            "ms" => "milliseconds",
            "By" => "bytes",
            _ when unit.StartsWith('{') => null,
            _ => PrometheusSeries.Sanitize(unit),
        };
        if (suffix is not null && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
            name += "_" + suffix;
        return counter ? name + "_total" : name;
    }

    private static double[] BoundsOf(Instrument instrument) => instrument switch
    {
        Instrument<double> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds],
        Instrument<long> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        Instrument<int> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds.Select(b => (double)b)],
        _ => DefaultBounds,
    };

    private PrometheusSeries Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = PrometheusSeries.HashOf(tags);
        foreach (var series in Volatile.Read(ref _series))
        {
            if (series.Matches(hash, tags))
                return series;
        }
        lock (_adding)
        {
            foreach (var series in _series)
            {
                if (series.Matches(hash, tags))
                    return series;
            }
            var added = new PrometheusSeries(hash, tags, _kind == Kind.Histogram ? _bounds.Length + 1 : 0);
            Volatile.Write(ref _series, [.. _series, added]);
            return added;
        }
    }

    internal static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
        : value.ToString("R", CultureInfo.InvariantCulture);
}
