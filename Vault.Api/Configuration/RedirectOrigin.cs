using System.Net;

namespace Vault.Api.Configuration;

/// <summary>
/// Decides where a seller's browser may be sent back to. Origins are compared whole and exactly
/// (scheme, host, port), never by prefix or suffix, so https://allowed.example.evil.com and
/// https://allowed.example@evil.com do not pass for https://allowed.example.
/// </summary>
public static class RedirectOrigin
{
    public const int MaxUrlLength = 2048;

    /// <summary>The lower-case origin of an absolute http(s) URL; false for anything else.</summary>
    public static bool TryNormalize(string text, out string origin)
    {
        origin = "";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !IsAcceptableScheme(uri) || !string.IsNullOrEmpty(uri.UserInfo))
            return false;
        origin = uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
        return true;
    }

    /// <summary>True when <paramref name="url"/> is a safe redirect target whose origin is in the allowed list.</summary>
    public static bool IsAllowed(string? url, IReadOnlyList<string> allowedOrigins, out Uri? target)
    {
        target = null;
        // Uri quietly trims and escapes whitespace; refusing it keeps the URL that was checked the URL that is used.
        if (string.IsNullOrEmpty(url) || url.Length > MaxUrlLength || url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)) || url.Contains('\\', StringComparison.Ordinal))
            return false;
        if (!TryNormalize(url, out var origin) || !allowedOrigins.Contains(origin, StringComparer.Ordinal))
            return false;
        target = new Uri(url);
        return true;
    }

    /// <summary>An ALLOWED_REDIRECT_ORIGINS entry: an origin alone, normalized as <see cref="TryNormalize"/> does.</summary>
    public static bool TryParseAllowed(string entry, out string origin, out string problem)
    {
        problem = "is not an origin (scheme://host[:port], https unless loopback)";
        return TryNormalize(entry, out origin) && string.Equals(origin, entry.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsAcceptableScheme(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri));

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
