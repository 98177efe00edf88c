using Vault.AmazonSimulator.SpApi;

namespace Vault.AmazonSimulator.Grantless;

/// <summary>
/// The grantless operations the simulator serves, with their usage plans and the LWA scope their token must carry.
/// https://developer-docs.amazon.com/sp-api/docs/grantless-operations
/// Notifications API v1 (rate 1, burst 5): amzn/selling-partner-api-models models/notifications-api-model/notifications.json
/// Application Management 2023-11-30 (rate 0.0167, burst 1): models/application-management-api-model/application_2023-11-30.json
/// </summary>
public static class GrantlessOperations
{
    public const string NotificationsScope = "sellingpartnerapi::notifications";
    public const string RotationScope = "sellingpartnerapi::client_credential:rotation";

    public static readonly SpApiOperation GetDestinations = new("getDestinations", "GET", "/notifications/v1/destinations", 1, 5, Restriction.None);
    public static readonly SpApiOperation CreateDestination = new("createDestination", "POST", "/notifications/v1/destinations", 1, 5, Restriction.None);
    public static readonly SpApiOperation GetDestination = new("getDestination", "GET", "/notifications/v1/destinations/{destinationId}", 1, 5, Restriction.None);
    public static readonly SpApiOperation DeleteDestination = new("deleteDestination", "DELETE", "/notifications/v1/destinations/{destinationId}", 1, 5, Restriction.None);

    public static readonly SpApiOperation RotateApplicationClientSecret =
        new("rotateApplicationClientSecret", "POST", "/applications/2023-11-30/clientSecret", 0.0167, 1, Restriction.None);

    public static IReadOnlyList<SpApiOperation> All { get; } = [GetDestinations, CreateDestination, GetDestination, DeleteDestination, RotateApplicationClientSecret];

    /// <summary>The scope a grantless token needs for <paramref name="operation"/>, or null when it is not a grantless operation.</summary>
    public static string? ScopeOf(SpApiOperation? operation) =>
        operation == RotateApplicationClientSecret ? RotationScope
        : operation is not null && All.Contains(operation) ? NotificationsScope
        : null;

    public static SpApiOperation? Find(string method, string path) => All.FirstOrDefault(o => o.Matches(method, path));
}
