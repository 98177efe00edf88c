using Vault.Api.ClientSecrets;

namespace Vault.Tests.ClientSecrets;

/// <summary>Which SQS bodies the rotation consumer acts on: Amazon's two application notifications for this client, nothing else.</summary>
public class RotationNotificationTests
{
    private const string ClientId = "amzn1.application-oa2-client.simspapi";

    [Fact]
    public void ANewSecretNotificationIsReadWithItsExpiries()
    {
        var notification = RotationNotification.Read(Notifications.NewSecret(ClientId, "s3cret", DateTimeOffset.Parse("2027-03-18T10:00:00Z"), DateTimeOffset.Parse("2026-09-26T10:00:00Z")), ClientId);

        Assert.Equal(RotationNotificationKind.NewSecret, notification.Kind);
        Assert.Equal("s3cret", notification.NewSecret);
        Assert.Equal(DateTimeOffset.Parse("2027-03-18T10:00:00Z"), notification.NewSecretExpiresAt);
        Assert.Equal(DateTimeOffset.Parse("2026-09-26T10:00:00Z"), notification.OldSecretExpiresAt);
        Assert.DoesNotContain("s3cret", notification.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnExpiryNotificationIsReadWithItsExpiry()
    {
        var notification = RotationNotification.Read(Notifications.Expiry(ClientId, DateTimeOffset.Parse("2026-10-09T22:06:39.224Z")), ClientId);

        Assert.Equal(RotationNotificationKind.SecretExpiry, notification.Kind);
        Assert.Equal(DateTimeOffset.Parse("2026-10-09T22:06:39.224Z"), notification.SecretExpiresAt);
    }

    public static TheoryData<string, string> Foreign => new()
    {
        { "", "empty or oversized body" },
        { "{ not json", "not JSON" },
        { "[]", "not a JSON object" },
        { Notifications.Envelope("ANY_OFFER_CHANGED", new { }), "not an application client-secret notification" },
        { Notifications.Envelope("APPLICATION_OAUTH_CLIENT_NEW_SECRET", new { applicationOAuthClientNewSecret = new { clientId = ClientId, newClientSecret = "x" } }, payloadVersion: "1.0"), "payloadVersion is not 2023-11-30" },
        { Notifications.NewSecret("amzn1.application-oa2-client.other", "x", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), "for another client id" },
        { Notifications.Envelope("APPLICATION_OAUTH_CLIENT_NEW_SECRET", new { applicationOAuthClientNewSecret = new { clientId = ClientId } }), "no newClientSecret" },
        { Notifications.Envelope("APPLICATION_OAUTH_CLIENT_NEW_SECRET", new { applicationOAuthClientNewSecret = new { clientId = ClientId, newClientSecret = "x", newClientSecretExpiryTime = "soon" } }), "an expiry time is not an ISO 8601 date-time" },
        { Notifications.Envelope("APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY", new { applicationOAuthClientSecretExpiry = new { clientId = ClientId } }), "no clientSecretExpiryTime" },
    };

    [Theory]
    [MemberData(nameof(Foreign))]
    public void AnythingElseIsForeignWithAReasonThatQuotesNothing(string body, string reason)
    {
        var notification = RotationNotification.Read(body, ClientId);

        Assert.Equal(RotationNotificationKind.Foreign, notification.Kind);
        Assert.Equal(reason, notification.Reason);
        Assert.Null(notification.NewSecret);
    }
}
