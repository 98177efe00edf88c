namespace Vault.Api.Proxy;

/// <summary>
/// The part of a proxied request's target after <c>/v1/sellers/{sellerId}/{api}</c>, taken from the raw
/// request line and checked segment by segment, so nothing in it can leave the connection's Amazon host:
/// no dot segments (plain or percent-encoded), no encoded or back slashes, no empty segments (<c>//host</c>),
/// no absolute-form targets. A rejected path answers 400; it is never "cleaned up" into another path.
/// </summary>
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
        var rawPath = queryStart < 0 ? rawTarget : rawTarget[..queryStart];
        var query = queryStart < 0 ? "" : rawTarget[queryStart..];
        var segments = rawPath.Split('/');
        if (segments.Length <= prefixSegments)
        {
            reason = "an Amazon API path is required after the api";
            return false;
        }
        var rest = segments[prefixSegments..];
        foreach (var segment in rest)
        {
            if (!IsSafeSegment(segment))
            {
                reason = "the path may not contain empty, '.' or '..' segments, encoded slashes, backslashes or control characters";
                return false;
            }
        }
        if (query.Contains('#', StringComparison.Ordinal) || query.Any(char.IsControl))
        {
            reason = "the query is malformed";
            return false;
        }
        path = "/" + string.Join('/', rest);
        pathAndQuery = path + query;
        reason = "";
        return true;
    }

    private static bool IsSafeSegment(string raw)
    {
        if (raw.Length == 0)
            return false;
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
            || decoded.Any(char.IsControl));
    }

    private static bool IsDotSegment(string segment) => segment is "." or "..";
}
