namespace Vault.AmazonSimulator.SpApi;

public sealed record MarketplaceInfo(
    string Id, string CountryCode, string Name, string DefaultCurrencyCode, string DefaultLanguageCode, string DomainName);

public sealed record Participation(bool IsParticipating, bool HasSuspendedListings);

public sealed record MarketplaceParticipation(MarketplaceInfo Marketplace, Participation Participation, string StoreName);

/// <summary>Sellers API v1: https://developer-docs.amazon.com/sp-api/docs/sellers-api-v1-reference</summary>
public static class SellersApi
{
    public const string StoreName = "Simulated Store";

    public static RouteGroupBuilder MapSellers(this RouteGroupBuilder sp)
    {
        ArgumentNullException.ThrowIfNull(sp);
        sp.MapGet("/sellers/v1/marketplaceParticipations", GetMarketplaceParticipations)
            .WithMetadata(SpApiOperations.GetMarketplaceParticipations);
        return sp;
    }

    private static IResult GetMarketplaceParticipations(string host)
    {
        var participations = Marketplaces.InRegion(AmazonHosts.RegionOf(host))
            .Select(m => new MarketplaceParticipation(
                new MarketplaceInfo(m.Id, m.CountryCode, m.Name, m.CurrencyCode, m.LanguageCode, m.DomainName),
                new Participation(IsParticipating: true, HasSuspendedListings: false),
                StoreName))
            .ToList();
        return Results.Json(new Payload<IReadOnlyList<MarketplaceParticipation>>(participations));
    }
}
