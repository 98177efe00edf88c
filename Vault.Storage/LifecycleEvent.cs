namespace Vault.Storage;

/// <summary>The event types of docs/API.md ("Events"), and which change of the store produces which.</summary>
public static class EventTypes
{
    public const string Created = "connection.created";
    public const string Reauthorized = "connection.reauthorized";
    public const string ReauthorizationRequired = "connection.reauthorization_required";
    public const string RenewalDue = "connection.renewal_due";
    public const string Deleted = "connection.deleted";
    public const string SecretRotated = "seller.secret_rotated";
    public const string Upgraded = "connection.upgraded";

    public static readonly string[] All = [Created, Reauthorized, ReauthorizationRequired, RenewalDue, Deleted, SecretRotated, Upgraded];

    /// <summary>The status an event of a deleted connection reports.</summary>
    public const string DeletedStatus = "deleted";
}

/// <summary>Where the webhook delivery of an event stands.</summary>
public static class DeliveryStates
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>
/// One lifecycle event: which connection, what happened and the status it left; never a secret, token, code, state
/// or JWT. <see cref="Seq"/> orders a tenant's events (the cursor of GET /v1/events); <see cref="Id"/> is the public id
/// (the webhook-id of its deliveries). <see cref="ExpiresAt"/> and <see cref="DaysLeft"/> only on renewal_due.
/// </summary>
public sealed record LifecycleEvent(
    long Seq,
    string Id,
    DateTimeOffset At,
    string Tenant,
    string Type,
    string SellerId,
    string? Api,
    string? Region,
    string? Status,
    DateTimeOffset? ExpiresAt,
    int? DaysLeft,
    EventDelivery Delivery);

/// <summary>
/// The delivery state of an event: <see cref="LastStatus"/> is the receiver's HTTP status, <see cref="LastError"/>
/// <c>timeout</c> or <c>connection</c> when there was none (never the receiver's body). Retries end 3 days after
/// <see cref="PendingSince"/> (the event's time, or the last redelivery request).
/// </summary>
public sealed record EventDelivery(
    string State,
    int Attempts,
    int? LastStatus,
    string? LastError,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset PendingSince);

/// <summary>
/// The result of one delivery attempt as the delivery service decided it: <see cref="State"/> delivered, failed, or
/// pending again at <see cref="NextAttemptAt"/>.
/// </summary>
public sealed record DeliveryAttempt(DateTimeOffset At, string State, int? HttpStatus, string? Error, DateTimeOffset? NextAttemptAt);

/// <summary>Events in each delivery state, all tenants (for the metrics).</summary>
public sealed record EventCounts(long Pending, long Delivered, long Failed);
