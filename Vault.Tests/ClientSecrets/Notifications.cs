using System.Text.Json;

namespace Vault.Tests.ClientSecrets;

/// <summary>Amazon's notification envelopes for the two application notifications (payload version 2023-11-30).</summary>
public static class Notifications
{
    public static string NewSecret(string clientId, string secret, DateTimeOffset newExpires, DateTimeOffset oldExpires) => Envelope("APPLICATION_OAUTH_CLIENT_NEW_SECRET", new
    {
        applicationOAuthClientNewSecret = new
        {
            clientId,
            newClientSecret = secret,
            newClientSecretExpiryTime = newExpires.ToString("O"),
            oldClientSecretExpiryTime = oldExpires.ToString("O"),
        },
    });

    public static string Expiry(string clientId, DateTimeOffset expires) => Envelope("APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY", new
    {
        applicationOAuthClientSecretExpiry = new { clientId, clientSecretExpiryTime = expires.ToString("O"), clientSecretExpiryReason = "PERIODIC_ROTATION" },
    });

    public static string Envelope(string type, object payload, string payloadVersion = "2023-11-30") => JsonSerializer.Serialize(new
    {
        notificationVersion = "1.0",
        notificationType = type,
        payloadVersion,
        eventTime = DateTimeOffset.UtcNow.ToString("O"),
        payload,
        notificationMetadata = new
        {
            applicationId = "amzn1.sp.solution.simulator",
            subscriptionId = Guid.NewGuid().ToString(),
            publishTime = DateTimeOffset.UtcNow.ToString("O"),
            notificationId = Guid.NewGuid().ToString(),
        },
    });
}
