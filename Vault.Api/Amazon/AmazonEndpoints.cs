using System.Collections.Concurrent;
using Vault.Api.Configuration;

namespace Vault.Api.Amazon;

/// <summary>
/// Turns an Amazon host and path into the URL actually called: https://{host}/{path}, or, with
/// AMAZON_ENDPOINT_OVERRIDE (tests, demo), the template with the host filled in, so a simulator sees
/// which Amazon host each call was meant for.
/// </summary>
public sealed class AmazonEndpoints(VaultOptions options)
{
    private readonly string? _template = options.AmazonEndpointOverride?.TrimEnd('/');

    // One parsed base per host, built on first use: the hosts are the regions' constants, so this stays a handful.
    private readonly ConcurrentDictionary<string, Uri> _bases = new(StringComparer.Ordinal);

    /// <summary>The base URL for a host, ending in '/', under which a path is appended.</summary>
    public Uri BaseFor(string host) =>
        _bases.GetOrAdd(host, static (host, template) =>
            new(template is null ? $"https://{host}/" : template.Replace("{host}", host, StringComparison.Ordinal) + "/"), _template);

    public Uri Url(string host, string pathAndQuery) => new(BaseFor(host), pathAndQuery.TrimStart('/'));
}
