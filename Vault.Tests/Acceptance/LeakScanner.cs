namespace Vault.Tests.Acceptance;

/// <summary>
/// Finds any of many secret values in large texts in one pass: each value is indexed by its first
/// <see cref="Window"/> characters, and every window of the text is looked up without allocating. Each value is
/// searched whole and, when long, by its last 24 characters too, so a truncated or re-wrapped token is still found.
/// </summary>
public sealed class LeakScanner
{
    public const int Window = 16;
    private const int TailLength = 24;

    public sealed record Hit(string Kind, string Part, string Source, int Offset, string Context);

    private sealed record Needle(string Kind, string Part, string Value);

    private readonly Dictionary<string, List<Needle>> _byPrefix = new(StringComparer.Ordinal);

    public LeakScanner(IEnumerable<(string Kind, string Value)> values)
    {
        foreach (var (kind, value) in values)
        {
            // Deliberately junk values (a 2,049-character "xxx…" token in a bad-input test) are no secret, and would
            // match every other junk value; real secrets and tokens are random and use dozens of distinct characters.
            if (value.Length < Window || !LooksRandom(value))
                continue;
            Index(new Needle(kind, "whole", value));
            if (value.Length >= 40)
                Index(new Needle(kind, "tail", value[^TailLength..]));
            Count++;
        }
    }

    /// <summary>How many values are searched for (after <see cref="LooksRandom"/>).</summary>
    public int Count { get; }

    public IReadOnlyList<Hit> Scan(string source, string text)
    {
        var hits = new List<Hit>();
        var lookup = _byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
        var span = text.AsSpan();
        for (var i = 0; i + Window <= span.Length; i++)
        {
            if (!lookup.TryGetValue(span.Slice(i, Window), out var needles))
                continue;
            foreach (var needle in needles)
            {
                if (span[i..].StartsWith(needle.Value, StringComparison.Ordinal))
                    hits.Add(new Hit(needle.Kind, needle.Part, source, i, Masked(text, i, needle)));
            }
        }
        return hits;
    }

    /// <summary>At least 10 distinct characters in every 24-character stretch that is indexed.</summary>
    public static bool LooksRandom(string value) =>
        value[..Math.Min(value.Length, TailLength)].Distinct().Count() >= 10 && value[^Math.Min(value.Length, TailLength)..].Distinct().Count() >= 10;

    private void Index(Needle needle)
    {
        var prefix = needle.Value[..Window];
        if (!_byPrefix.TryGetValue(prefix, out var list))
            _byPrefix[prefix] = list = [];
        if (!list.Exists(n => n.Value == needle.Value))
            list.Add(needle);
    }

    /// <summary>Where the value sits, with the value itself replaced: reports never repeat a secret.</summary>
    private static string Masked(string text, int offset, Needle needle)
    {
        var start = Math.Max(0, offset - 60);
        var end = Math.Min(text.Length, offset + needle.Value.Length + 60);
        // The start of the line names the log category (or the status of an error body).
        var lineStart = offset == 0 ? 0 : text.LastIndexOf('\n', offset - 1) + 1;
        var head = lineStart < start ? text[lineStart..Math.Min(lineStart + 80, start)] + " … " : "";
        return (head + text[Math.Max(start, lineStart)..offset] + $"«{needle.Kind}»" + text[(offset + needle.Value.Length)..end]).ReplaceLineEndings(" ");
    }
}
