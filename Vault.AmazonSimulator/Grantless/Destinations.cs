using System.Collections.Concurrent;
using System.Text.Json.Serialization;

namespace Vault.AmazonSimulator.Grantless;

public sealed record SqsResource([property: JsonPropertyName("arn")] string Arn);

public sealed record EventBridgeResource(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("region")] string Region,
    [property: JsonPropertyName("accountId")] string AccountId);

public sealed record DestinationResource(
    [property: JsonPropertyName("sqs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SqsResource? Sqs,
    [property: JsonPropertyName("eventBridge"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EventBridgeResource? EventBridge);

/// <summary>Notifications API v1 <c>Destination</c>.</summary>
public sealed record Destination(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("destinationId")] string DestinationId,
    [property: JsonPropertyName("resource")] DestinationResource Resource);

/// <summary>
/// Notification destinations, in memory, per application (LWA client) and SP-API region: a destination created through
/// one regional endpoint is listed only there, as Amazon keeps them per endpoint.
/// </summary>
public sealed class Destinations
{
    private readonly ConcurrentDictionary<(string ClientId, string Region), ConcurrentDictionary<string, Destination>> _byApp = new();
    private readonly Lock _creating = new();

    public IReadOnlyList<Destination> List(string clientId, string region) =>
        _byApp.TryGetValue((clientId, region), out var destinations) ? [.. destinations.Values.OrderBy(d => d.Name, StringComparer.Ordinal)] : [];

    public Destination? Find(string clientId, string region, string destinationId) =>
        _byApp.TryGetValue((clientId, region), out var destinations) && destinations.TryGetValue(destinationId, out var destination) ? destination : null;

    /// <summary>Null when a destination for the same resource exists already (Amazon answers 409).</summary>
    public Destination? Create(string clientId, string region, string name, DestinationResource resource)
    {
        var destinations = _byApp.GetOrAdd((clientId, region), _ => new ConcurrentDictionary<string, Destination>(StringComparer.Ordinal));
        lock (_creating)
        {
            if (destinations.Values.Any(d => d.Resource == resource))
            {
                return null;
            }

            var destination = new Destination(name, Guid.NewGuid().ToString(), resource);
            destinations[destination.DestinationId] = destination;
            return destination;
        }
    }

    public bool Delete(string clientId, string region, string destinationId) =>
        _byApp.TryGetValue((clientId, region), out var destinations) && destinations.TryRemove(destinationId, out _);

    public void Clear() => _byApp.Clear();
}
