using System.Globalization;

namespace Vault.AmazonSimulator.Ads;

public sealed record CampaignBudget(double Budget, string BudgetType);

public sealed record SpCampaign(string CampaignId, string Name, string State, string TargetingType, CampaignBudget Budget, string StartDate);

public sealed record SpCampaignList(IReadOnlyList<SpCampaign> Campaigns, int TotalResults);

public sealed record SpCampaignV2(long CampaignId, string Name, string CampaignType, string TargetingType, string State, double DailyBudget, string StartDate);

/// <summary>
/// Sponsored Products campaigns, the profile-scoped calls: v3 <c>POST /sp/campaigns/list</c>
/// (https://advertising.amazon.com/API/docs/en-us/sponsored-products/3-0/openapi/prod#tag/Campaigns)
/// and the older v2 <c>GET /v2/sp/campaigns</c>.
/// </summary>
public static class CampaignsApi
{
    public const string V3MediaType = "application/vnd.spCampaign.v3+json";

    public static RouteGroupBuilder MapCampaigns(this RouteGroupBuilder ads)
    {
        ArgumentNullException.ThrowIfNull(ads);
        ads.MapPost("/sp/campaigns/list", (HttpContext http) =>
        {
            var campaigns = For(http.Profile());
            return Results.Json(new SpCampaignList(campaigns, campaigns.Count), contentType: V3MediaType);
        }).WithMetadata(new RequiresProfileScope());

        ads.MapGet("/v2/sp/campaigns", (HttpContext http) => Results.Json(For(http.Profile()).Select(c => new SpCampaignV2(
            long.Parse(c.CampaignId, CultureInfo.InvariantCulture), c.Name, "sponsoredProducts",
            c.TargetingType.ToLowerInvariant(), c.State.ToLowerInvariant(), c.Budget.Budget, c.StartDate.Replace("-", "", StringComparison.Ordinal)))))
            .WithMetadata(new RequiresProfileScope());
        return ads;
    }

    private static List<SpCampaign> For(AdsProfile profile)
    {
        var baseId = profile.ProfileId % 1_000_000_000 * 10;
        return
        [
            new((baseId + 1).ToString(CultureInfo.InvariantCulture), $"{profile.CountryCode} evergreen", "ENABLED", "AUTO", new CampaignBudget(25, "DAILY"), "2025-01-01"),
            new((baseId + 2).ToString(CultureInfo.InvariantCulture), $"{profile.CountryCode} holiday", "PAUSED", "MANUAL", new CampaignBudget(50, "DAILY"), "2024-11-15"),
        ];
    }
}
