using System.Globalization;
using System.Text.Json;

namespace Vault.Api.ClientSecrets;

public enum RotationNotificationKind
{
    /// <summary>Not one of the two notifications, not for this application, or not well formed: left on the queue.</summary>
    Foreign,
    NewSecret,
    SecretExpiry,
}

/// <summary>
/// One SQS message body, read as Amazon's notification envelope (notificationVersion, notificationType, payloadVersion,
/// eventTime, payload, notificationMetadata). Only the two application notifications of payload version 2023-11-30
/// for the configured client id are understood:
/// APPLICATION_OAUTH_CLIENT_NEW_SECRET, payload.applicationOAuthClientNewSecret {clientId, newClientSecret, newClientSecretExpiryTime, oldClientSecretExpiryTime};
/// APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY, payload.applicationOAuthClientSecretExpiry {clientId, clientSecretExpiryTime, clientSecretExpiryReason}.
/// https://developer-docs.amazon.com/sp-api/docs/notification-type-values (and the linked payload schemas).
/// <see cref="Reason"/> says why a message is foreign in words that never quote the message.
/// </summary>
public sealed record RotationNotification(
    RotationNotificationKind Kind, string Reason, string? NewSecret = null, DateTimeOffset? NewSecretExpiresAt = null, DateTimeOffset? OldSecretExpiresAt = null,
    DateTimeOffset? SecretExpiresAt = null)
{
    public const string NewSecretType = "APPLICATION_OAUTH_CLIENT_NEW_SECRET";
    public const string ExpiryType = "APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY";
    public const string PayloadVersion = "2023-11-30";

    /// <summary>SQS bodies are at most 256 KiB; these notifications are far smaller.</summary>
    private const int MaxBodyLength = 64 * 1024;

    public override string ToString() => $"RotationNotification {{ Kind = {Kind}, Reason = {Reason} }}";

    public static RotationNotification Read(string? body, string clientId)
    {
        if (string.IsNullOrEmpty(body) || body.Length > MaxBodyLength)
            return Foreign("empty or oversized body");
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Foreign("not a JSON object");
            var type = Text(root, "notificationType");
            if (type is not (NewSecretType or ExpiryType))
                return Foreign("not an application client-secret notification");
            if (Text(root, "payloadVersion") != PayloadVersion)
                return Foreign($"payloadVersion is not {PayloadVersion}");
            if (!root.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object)
                return Foreign("no payload object");
            return type == NewSecretType ? ReadNewSecret(payload, clientId) : ReadExpiry(payload, clientId);
        }
        catch (JsonException)
        {
            return Foreign("not JSON");
        }
    }

    private static RotationNotification ReadNewSecret(JsonElement payload, string clientId)
    {
        if (!payload.TryGetProperty("applicationOAuthClientNewSecret", out var body) || body.ValueKind != JsonValueKind.Object)
            return Foreign("no applicationOAuthClientNewSecret");
        if (Text(body, "clientId") != clientId)
            return Foreign("for another client id");
        if (Text(body, "newClientSecret") is not { Length: > 0 and <= 1024 } secret)
            return Foreign("no newClientSecret");
        if (!Time(body, "newClientSecretExpiryTime", out var newExpires) || !Time(body, "oldClientSecretExpiryTime", out var oldExpires))
            return Foreign("an expiry time is not an ISO 8601 date-time");
        return new(RotationNotificationKind.NewSecret, "new secret", secret, newExpires, oldExpires);
    }

    private static RotationNotification ReadExpiry(JsonElement payload, string clientId)
    {
        if (!payload.TryGetProperty("applicationOAuthClientSecretExpiry", out var body) || body.ValueKind != JsonValueKind.Object)
            return Foreign("no applicationOAuthClientSecretExpiry");
        if (Text(body, "clientId") != clientId)
            return Foreign("for another client id");
        if (!Time(body, "clientSecretExpiryTime", out var expires) || expires is null)
            return Foreign("no clientSecretExpiryTime");
        return new(RotationNotificationKind.SecretExpiry, "secret expiry", SecretExpiresAt: expires);
    }

    private static RotationNotification Foreign(string reason) => new(RotationNotificationKind.Foreign, reason);

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>Absent is allowed (null); present must be a date-time.</summary>
    private static bool Time(JsonElement element, string name, out DateTimeOffset? time)
    {
        time = null;
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return true;
        if (value.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }
        return false;
    }
}
