using Vault.AmazonSimulator.Routing;

namespace Vault.AmazonSimulator.Ads;

public static class AdsEndpoints
{
    /// <summary>Every Ads API route, on the three regional Ads hosts, behind the access check.</summary>
    public static IEndpointRouteBuilder MapAds(this IEndpointRouteBuilder app)
    {
        var ads = app.MapGroup(AmazonHostConstraint.Route(HostKind.Ads)).AddEndpointFilter(AdsAccess.FilterAsync);
        ads.MapProfiles();
        ads.MapCampaigns();
        return app;
    }
}
