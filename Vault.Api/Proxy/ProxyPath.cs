namespace Vault.Api.Proxy;

/// <summary>
/// The part of a proxied request's target after <c>/v1/sellers/{sellerId}/{api}</c>, taken from the raw
/// request line and checked segment by segment, so nothing in it can leave the connection's Amazon host:
/// no dot segments (plain or percent-encoded), no encoded or back slashes, no empty segments (<c>//host</c>),
/// no absolute-form targets. A rejected path answers 400; it is never "cleaned up" into another path.
/// </summary>
/// <remarks>Read in place: every proxied call passes here, and the only strings made are the two it returns.</remarks>
public static class ProxyPath
{
    private const int PrefixSegments = 5; // "", "v1", "sellers", "{sellerId}", "{api}"

    public static bool TryParse(string rawTarget, out string pathAndQuery, out string path, out string reason) =>
        TryParse(rawTarget, PrefixSegments, out pathAndQuery, out path, out reason);

    /// <summary>The same checks, for a route whose own prefix is <paramref name="prefixSegments"/> segments long.</summary>
    public static bool TryParse(string rawTarget, int prefixSegments, out string pathAndQuery, out string path, out string reason)
    {
        pathAndQuery = path = "";
        if (!rawTarget.StartsWith('/'))
        {
            reason = "the request target must be a path";
            return false;
        }
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart < 0 ? rawTarget.AsSpan() : rawTarget.AsSpan(0, queryStart);
        var query = queryStart < 0 ? [] : rawTarget.AsSpan(queryStart);
        // What is kept starts at the slash before segment number prefixSegments (segment 0 is the empty one before the first slash).
        var start = NthSlash(rawPath, prefixSegments);
        if (start < 0)
        {
            reason = "an Amazon API path is required after the api";
            return false;
        }
        var rest = rawPath[(start + 1)..];
        foreach (var segment in rest.Split('/'))
        {
            if (!IsSafeSegment(rest[segment]))
            {
                reason = "the path may not contain empty, '.' or '..' segments, encoded slashes, backslashes or control characters";
                return false;
            }
        }
        if (query.Contains('#') || HasControl(query))
        {
            reason = "the query is malformed";
            return false;
        }
        pathAndQuery = rawTarget[start..];
        path = queryStart < 0 ? pathAndQuery : rawTarget[start..queryStart];
        reason = "";
        return true;
    }

    /// <summary>The index of the <paramref name="n"/>th '/' in <paramref name="text"/>, or -1.</summary>
    private static int NthSlash(ReadOnlySpan<char> text, int n)
    {
        var at = -1;
        for (var i = 0; i < n; i++)
        {
            var next = text[(at + 1)..].IndexOf('/');
            if (next < 0)
                return -1;
            at += next + 1;
        }
        return at;
    }

    private static bool IsSafeSegment(ReadOnlySpan<char> raw)
    {
        if (raw.IsEmpty)
            return false;
        if (!raw.Contains('%'))
            return !(IsDotSegment(raw) || raw.Contains('\\') || HasControl(raw));
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(raw);
        }
        catch (UriFormatException)
        {
            return false;
        }
        // Decoding twice catches %252e%252e and %252f, which a lenient server behind Amazon's edge might decode again.
        var twice = Uri.UnescapeDataString(decoded);
        return !(IsDotSegment(decoded) || IsDotSegment(twice)
            || decoded.Contains('/', StringComparison.Ordinal) || decoded.Contains('\\', StringComparison.Ordinal)
            || twice.Contains('/', StringComparison.Ordinal) || twice.Contains('\\', StringComparison.Ordinal)
            || HasControl(decoded));
    }

    private static bool IsDotSegment(ReadOnlySpan<char> segment) => segment is "." or "..";

    private static bool HasControl(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c))
                return true;
        }
        return false;
    }
}
