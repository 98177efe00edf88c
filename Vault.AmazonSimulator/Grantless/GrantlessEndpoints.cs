using Vault.AmazonSimulator.Routing;

namespace Vault.AmazonSimulator.Grantless;

public static class GrantlessEndpoints
{
    /// <summary>The grantless SP-API routes, on the three regional SP-API hosts, behind the grantless access check.</summary>
    public static IEndpointRouteBuilder MapGrantlessSpApi(this IEndpointRouteBuilder app)
    {
        var sp = app.MapGroup(AmazonHostConstraint.Route(HostKind.SpApi)).AddEndpointFilter(GrantlessAccess.FilterAsync);
        sp.MapNotificationDestinations();
        sp.MapApplications();
        return app;
    }
}
