namespace Vault.AmazonSimulator.Routing;

/// <summary>
/// Route constraint <c>{host:amazon(Kind)}</c>: the first path segment is an Amazon host of that kind.
/// Routes thereby dispatch on the host the vault meant to call.
/// </summary>
public sealed class AmazonHostConstraint(string kind) : IRouteConstraint
{
    public const string Name = "amazon";

    private readonly HostKind _expected = Enum.Parse<HostKind>(kind);

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.TryGetValue(routeKey, out var value)
            && AmazonHosts.KindOf(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)) == _expected;
    }

    public static string Route(HostKind kind) => $"/{{host:{Name}({kind})}}";
}
