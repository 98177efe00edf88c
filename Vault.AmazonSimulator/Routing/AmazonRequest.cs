namespace Vault.AmazonSimulator.Routing;

/// <summary>A request split into the Amazon host it was meant for and the path on that host.</summary>
public readonly record struct AmazonRequest(string Host, HostKind Kind, string Path)
{
    public const string ControlPrefix = "/_sim";

    /// <summary>Null for the simulator's own <c>/_sim</c> controls, which are neither logged nor faulted.</summary>
    public static AmazonRequest? From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path.Value ?? "/";
        if (path.StartsWith(ControlPrefix + "/", StringComparison.Ordinal) || path == ControlPrefix)
        {
            return null;
        }

        var trimmed = path.TrimStart('/');
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? trimmed : trimmed[..slash];
        var rest = slash < 0 ? "/" : trimmed[slash..];
        return new AmazonRequest(host, AmazonHosts.KindOf(host), rest);
    }
}
