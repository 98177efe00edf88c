namespace Vault.Api.Events;

/// <summary>What <see cref="WebhookDelivery"/> and <see cref="RenewalScan"/> say: event ids and statuses, never a body or a header.</summary>
internal static partial class WebhookDeliveryLog
{
    [LoggerMessage(EventId = 150, Level = LogLevel.Warning, Message = "webhook delivery of {EventId} failed (attempt {Attempts}, status {Status}, error {Error}); next attempt {NextAttemptAt} (none: failed)")]
    public static partial void AttemptFailed(ILogger logger, string eventId, int attempts, int? status, string? error, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(EventId = 151, Level = LogLevel.Error, Message = "the webhook receiver answered 410 Gone: delivery to WEBHOOK_URL stops until the vault restarts; events stay pending and readable with GET /v1/events")]
    public static partial void ReceiverGone(ILogger logger);

    [LoggerMessage(EventId = 152, Level = LogLevel.Warning, Message = "reading or updating the event outbox failed; the next pass tries again")]
    public static partial void OutboxFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 153, Level = LogLevel.Information, Message = "renewal scan wrote {Count} connection.renewal_due event(s)")]
    public static partial void RenewalsDue(ILogger logger, int count);
}
