using System.Text.Json.Serialization;

namespace Vault.AmazonSimulator.SpApi;

public sealed record Granularity(
    [property: JsonPropertyName("granularityType")] string GranularityType,
    [property: JsonPropertyName("granularityId")] string GranularityId);

public sealed record InventorySummaries(
    [property: JsonPropertyName("granularity")] Granularity Granularity,
    [property: JsonPropertyName("inventorySummaries")] IReadOnlyList<object> Summaries);

/// <summary>
/// FBA Inventory API v1, getInventorySummaries: https://developer-docs.amazon.com/sp-api/docs/fba-inventory-api-v1-reference.
/// An empty inventory: the simulator has it for its usage plan (2 a second), a busier one than the Orders API's.
/// </summary>
public static class InventoryApi
{
    public static RouteGroupBuilder MapInventory(this RouteGroupBuilder sp)
    {
        ArgumentNullException.ThrowIfNull(sp);
        sp.MapGet("/fba/inventory/v1/summaries", GetInventorySummaries).WithMetadata(SpApiOperations.GetInventorySummaries);
        return sp;
    }

    private static IResult GetInventorySummaries(string? granularityId) =>
        granularityId is null
            ? SpApiErrors.InvalidInput("granularityType, granularityId and marketplaceIds are required.")
            : Results.Json(new Payload<InventorySummaries>(new InventorySummaries(new Granularity("Marketplace", granularityId), [])));
}
