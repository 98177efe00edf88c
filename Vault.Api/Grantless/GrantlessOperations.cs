namespace Vault.Api.Grantless;

/// <summary>
/// The SP-API operations the vault calls with a grantless token, and the LWA scope each needs. Fixed, from Amazon's
/// documentation; a path that is not here is refused, so the grantless route cannot be used to reach anything else.
/// Operations and paths: https://developer-docs.amazon.com/sp-api/docs/grantless-operations
/// Notifications API (scope sellingpartnerapi::notifications): https://developer-docs.amazon.com/sp-api/docs/notifications-api-v1-reference
/// (models/notifications-api-model/notifications.json in amzn/selling-partner-api-models).
/// Application Management API (scope sellingpartnerapi::client_credential:rotation, singular "credential"):
/// https://developer-docs.amazon.com/sp-api/docs/application-management-api-v2023-11-30-use-case-guide
/// (models/application-management-api-model/application_2023-11-30.json).
/// </summary>
public static class GrantlessOperations
{
    public const string NotificationsScope = "sellingpartnerapi::notifications";
    public const string ClientCredentialRotationScope = "sellingpartnerapi::client_credential:rotation";

    /// <summary>One grantless operation: its method, its path with <c>{name}</c> for a single segment, and its LWA scope.</summary>
    public sealed record Operation(string Name, string Method, string PathTemplate, string Scope);

    public static readonly Operation GetDestinations = new("getDestinations", "GET", "/notifications/v1/destinations", NotificationsScope);
    public static readonly Operation CreateDestination = new("createDestination", "POST", "/notifications/v1/destinations", NotificationsScope);
    public static readonly Operation GetDestination = new("getDestination", "GET", "/notifications/v1/destinations/{destinationId}", NotificationsScope);
    public static readonly Operation DeleteDestination = new("deleteDestination", "DELETE", "/notifications/v1/destinations/{destinationId}", NotificationsScope);

    public static readonly Operation RotateApplicationClientSecret =
        new("rotateApplicationClientSecret", "POST", "/applications/2023-11-30/clientSecret", ClientCredentialRotationScope);

    public static IReadOnlyList<Operation> All { get; } = [GetDestinations, CreateDestination, GetDestination, DeleteDestination, RotateApplicationClientSecret];

    /// <summary>The operation a method and a checked path (no query) call, or null when it is not a grantless operation the vault serves.</summary>
    public static Operation? Match(string method, string path) =>
        All.FirstOrDefault(o => string.Equals(o.Method, method, StringComparison.OrdinalIgnoreCase) && Fits(o.PathTemplate, path));

    private static bool Fits(string template, string path)
    {
        var expected = template.Split('/');
        var actual = path.Split('/');
        if (expected.Length != actual.Length)
            return false;
        for (var i = 0; i < expected.Length; i++)
        {
            var placeholder = expected[i].StartsWith('{');
            if (placeholder ? actual[i].Length == 0 : !string.Equals(expected[i], actual[i], StringComparison.Ordinal))
                return false;
        }
        return true;
    }
}
