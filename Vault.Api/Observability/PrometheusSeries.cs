using System.Globalization;
using System.Text;

namespace Vault.Api.Observability;

/// <summary>
/// One tag set of a metric family: a value (counters and gauges) or bucket counts and a sum (histograms), updated
/// with interlocked operations from any thread. Its labels are rendered once, when the tag set is first seen.
/// </summary>
public sealed class PrometheusSeries
{
    private readonly int _hash;
    private readonly KeyValuePair<string, object?>[] _tags;
    private readonly long[] _buckets;
    private double _value;

    public PrometheusSeries(int hash, ReadOnlySpan<KeyValuePair<string, object?>> tags, int buckets)
    {
        _hash = hash;
        _tags = tags.ToArray();
        _buckets = new long[buckets];
        Labels = string.Join(",", _tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{Sanitize(t.Key)}=\"{Escape(ValueText(t.Value))}\""));
    }

    /// <summary>name="value" pairs in name order, without braces; empty for an untagged series.</summary>
    public string Labels { get; }

    /// <summary>The same for any order of the same tags: instruments need not pass them in one order.</summary>
    public static int HashOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var hash = tags.Length;
        foreach (var tag in tags)
            hash += HashCode.Combine(tag.Key, tag.Value);
        return hash;
    }

    public bool Matches(int hash, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (hash != _hash || tags.Length != _tags.Length)
            return false;
        foreach (var tag in tags)
        {
            if (!Contains(tag))
                return false;
        }
        return true;
    }

    public void Add(double value)
    {
        var current = Volatile.Read(ref _value);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref _value, current + value, current);
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
                return;
            current = seen;
        }
    }

    public void Set(double value) => Volatile.Write(ref _value, value);

    /// <summary>A histogram measurement: its bucket (upper bounds inclusive, the last bucket unbounded) and the sum.</summary>
    public void Observe(double value, double[] bounds)
    {
        var bucket = 0;
        while (bucket < bounds.Length && value > bounds[bucket])
            bucket++;
        Interlocked.Increment(ref _buckets[bucket]);
        Add(value);
    }

    public void WriteValue(StringBuilder text, string name)
    {
        text.Append(name);
        if (Labels.Length > 0)
            text.Append('{').Append(Labels).Append('}');
        text.Append(' ').Append(PrometheusFamily.Format(Volatile.Read(ref _value))).Append('\n');
    }

    /// <summary>Cumulative buckets, then sum and count; the count is the buckets' total, so it always equals le="+Inf".</summary>
    public void WriteHistogram(StringBuilder text, string name, double[] bounds)
    {
        var separator = Labels.Length > 0 ? "," : "";
        long cumulative = 0;
        for (var i = 0; i <= bounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _buckets[i]);
            var le = i < bounds.Length ? PrometheusFamily.Format(bounds[i]) : "+Inf";
            text.Append(name).Append("_bucket{").Append(Labels).Append(separator).Append("le=\"").Append(le).Append("\"} ")
                .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        var labels = Labels.Length > 0 ? "{" + Labels + "}" : "";
        text.Append(name).Append("_sum").Append(labels).Append(' ').Append(PrometheusFamily.Format(Volatile.Read(ref _value))).Append('\n');
        text.Append(name).Append("_count").Append(labels).Append(' ').Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>A Prometheus name from an OpenTelemetry one: anything but [A-Za-z0-9_] becomes _ ("http.route" is http_route).</summary>
    public static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(chars[i]) && chars[i] != '_')
                chars[i] = '_';
        }
        return chars.Length > 0 && char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }

    private bool Contains(KeyValuePair<string, object?> tag)
    {
        foreach (var mine in _tags)
        {
            if (string.Equals(mine.Key, tag.Key, StringComparison.Ordinal))
                return Equals(mine.Value, tag.Value);
        }
        return false;
    }

    private static string ValueText(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
