using System.Text.Json;
using System.Text.Json.Serialization;
using Vault.Storage;

namespace Vault.Api.Events;

/// <summary>
/// What an event says, in a webhook body and in GET /v1/events alike. Built field by field from the row, so nothing
/// but these fields can ever reach a receiver: no secret, token, code, state or JWT is among them.
/// </summary>
public sealed record EventData(
    string Tenant,
    string SellerId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Api,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Region,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? AuthorizationExpiresAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? DaysLeft)
{
    public static EventData Of(LifecycleEvent e) => new(e.Tenant, e.SellerId, e.Api, e.Region, e.Status, e.ExpiresAt, e.DaysLeft);
}

/// <summary>The webhook body: the Standard Webhooks payload shape (type, timestamp, data) with the event's id.</summary>
public sealed record EventPayload(string Id, string Type, DateTimeOffset Timestamp, EventData Data)
{
    public static EventPayload Of(LifecycleEvent e) => new(e.Id, e.Type, e.At, EventData.Of(e));

    /// <summary>The exact bytes that are signed and sent; the same on every attempt.</summary>
    public static byte[] Body(LifecycleEvent e) => JsonSerializer.SerializeToUtf8Bytes(Of(e), JsonSerializerOptions.Web);
}

/// <summary>An event as GET /v1/events lists it: the payload and where its delivery stands.</summary>
public sealed record EventView(string Id, string Type, DateTimeOffset Timestamp, EventData Data, DeliveryView Delivery)
{
    public static EventView Of(LifecycleEvent e) => new(e.Id, e.Type, e.At, EventData.Of(e), DeliveryView.Of(e.Delivery));
}

public sealed record DeliveryView(
    string State,
    int Attempts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? LastStatus,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LastError,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? NextAttemptAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? DeliveredAt)
{
    public static DeliveryView Of(EventDelivery d) => new(d.State, d.Attempts, d.LastStatus, d.LastError, d.NextAttemptAt, d.DeliveredAt);
}
