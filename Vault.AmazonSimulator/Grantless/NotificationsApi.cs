using System.Text.Json;
using System.Text.RegularExpressions;
using Vault.AmazonSimulator.SpApi;

namespace Vault.AmazonSimulator.Grantless;

/// <summary>
/// Notifications API v1, the destination operations (grantless, scope sellingpartnerapi::notifications):
/// https://developer-docs.amazon.com/sp-api/docs/notifications-api-v1-reference. Destinations are kept per application
/// and region (<see cref="Destinations"/>). An EventBridge destination's resource name is the partner event source
/// Amazon creates: aws.partner/sellingpartnerapi.amazon/{accountId}/{applicationId}.
/// </summary>
public static partial class NotificationsApi
{
    public static RouteGroupBuilder MapNotificationDestinations(this RouteGroupBuilder sp)
    {
        ArgumentNullException.ThrowIfNull(sp);
        sp.MapGet("/notifications/v1/destinations", (string host, HttpContext http, SimulatorState state) =>
                Results.Json(new Payload<IReadOnlyList<Destination>>(state.Destinations.List(http.GrantlessClient(), AmazonHosts.RegionOf(host)!))))
            .WithMetadata(GrantlessOperations.GetDestinations);
        sp.MapPost("/notifications/v1/destinations", CreateAsync).WithMetadata(GrantlessOperations.CreateDestination);
        sp.MapGet("/notifications/v1/destinations/{destinationId}", (string host, string destinationId, HttpContext http, SimulatorState state) =>
                state.Destinations.Find(http.GrantlessClient(), AmazonHosts.RegionOf(host)!, destinationId) is { } destination
                    ? Results.Json(new Payload<Destination>(destination))
                    : NotFound())
            .WithMetadata(GrantlessOperations.GetDestination);
        sp.MapDelete("/notifications/v1/destinations/{destinationId}", (string host, string destinationId, HttpContext http, SimulatorState state) =>
                state.Destinations.Delete(http.GrantlessClient(), AmazonHosts.RegionOf(host)!, destinationId) ? Results.Json(new { }) : NotFound())
            .WithMetadata(GrantlessOperations.DeleteDestination);
        return sp;
    }

    private static async Task<IResult> CreateAsync(string host, HttpContext http, SimulatorState state)
    {
        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return SpApiErrors.InvalidInput("The request body is not valid JSON.");
        }

        using (body)
        {
            var clientId = http.GrantlessClient();
            var (name, resource, error) = Parse(body.RootElement, state.Options.FindClient(clientId)?.ApplicationId ?? clientId);
            if (error is not null)
            {
                return SpApiErrors.InvalidInput(error);
            }

            var destination = state.Destinations.Create(clientId, AmazonHosts.RegionOf(host)!, name!, resource!);
            return destination is null
                ? SpApiErrors.Error(409, "Conflict", "The resource specified conflicts with the current state.", "A destination for this resource already exists.")
                : Results.Json(new Payload<Destination>(destination));
        }
    }

    /// <summary>CreateDestinationRequest: a name and exactly one of sqs (an SQS ARN) or eventBridge (region and accountId).</summary>
    private static (string? Name, DestinationResource? Resource, string? Error) Parse(JsonElement root, string applicationId)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
            || name.GetString() is not { Length: > 0 and <= 256 } nameText)
        {
            return (null, null, "name is required (1-256 characters).");
        }

        if (!root.TryGetProperty("resourceSpecification", out var spec) || spec.ValueKind != JsonValueKind.Object)
        {
            return (null, null, "resourceSpecification is required.");
        }

        var hasSqs = spec.TryGetProperty("sqs", out var sqs);
        var hasEventBridge = spec.TryGetProperty("eventBridge", out var eventBridge);
        if (hasSqs == hasEventBridge)
        {
            return (null, null, "resourceSpecification must have exactly one of sqs or eventBridge.");
        }

        if (hasSqs)
        {
            return sqs.ValueKind == JsonValueKind.Object && sqs.TryGetProperty("arn", out var arn) && arn.ValueKind == JsonValueKind.String
                && arn.GetString() is { Length: <= 1000 } arnText && SqsArn().IsMatch(arnText)
                ? (nameText, new DestinationResource(new SqsResource(arnText), null), null)
                : (null, null, "sqs.arn must be an SQS queue ARN (arn:aws:sqs:region:account:queue).");
        }

        return eventBridge.ValueKind == JsonValueKind.Object
            && eventBridge.TryGetProperty("region", out var region) && region.GetString() is { Length: > 0 } regionText
            && eventBridge.TryGetProperty("accountId", out var account) && account.GetString() is { Length: > 0 } accountText
            ? (nameText, new DestinationResource(null, new EventBridgeResource($"aws.partner/sellingpartnerapi.amazon/{accountText}/{applicationId}", regionText, accountText)), null)
            : (null, null, "eventBridge needs region and accountId.");
    }

    private static IResult NotFound() => SpApiErrors.NotFound("The destination was not found.");

    // The model's pattern for SqsResource.arn.
    [GeneratedRegex(@"^arn:aws:sqs:\S+:\S+:\S+")]
    private static partial Regex SqsArn();
}
