using Microsoft.AspNetCore.WebUtilities;

namespace Vault.AmazonSimulator.Consent;

/// <summary>Which redirect URIs the consent pages accept, and how parameters are added to them.</summary>
public static class RedirectUris
{
    private static readonly HashSet<string> LoopbackHosts = new(StringComparer.OrdinalIgnoreCase) { "127.0.0.1", "localhost", "[::1]" };

    /// <summary>
    /// Amazon only redirects to URIs registered for the app. With none configured the simulator
    /// accepts loopback http(s) URLs, so that tests and the demo work on any port.
    /// </summary>
    public static bool IsAllowed(SimulatorOptions options, string? uri)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(uri) || !Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
            || parsed.Scheme is not ("http" or "https") || parsed.Fragment.Length > 0)
        {
            return false;
        }

        return options.AllowedRedirectUris.Count == 0
            ? LoopbackHosts.Contains(parsed.Host) || parsed.IsLoopback
            : options.AllowedRedirectUris.Contains(uri, StringComparer.Ordinal);
    }

    /// <summary>A 302 to the redirect URI with the parameters appended to any query it already has.</summary>
    public static IResult RedirectWith(string redirectUri, params (string Name, string? Value)[] parameters)
    {
        var query = parameters.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Name, p.Value));
        return Results.Redirect(QueryHelpers.AddQueryString(redirectUri, query));
    }

    public static async Task<IFormCollection?> ReadFormOrNullAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.HasFormContentType)
        {
            return null;
        }

        try
        {
            return await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
