using Vault.AmazonSimulator.Routing;

namespace Vault.AmazonSimulator.SpApi;

public static class SpApiEndpoints
{
    /// <summary>Every SP-API route, on the three regional SP-API hosts, behind the access check.</summary>
    public static IEndpointRouteBuilder MapSpApi(this IEndpointRouteBuilder app)
    {
        var sp = app.MapGroup(AmazonHostConstraint.Route(HostKind.SpApi)).AddEndpointFilter(SpApiAccess.FilterAsync);
        sp.MapSellers();
        sp.MapOrders();
        sp.MapTokens();
        sp.MapReports();
        sp.MapInventory();
        sp.MapByteStream();
        return app;
    }
}
