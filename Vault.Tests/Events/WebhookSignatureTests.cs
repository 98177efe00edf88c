using System.Text;
using StandardWebhooks;
using Vault.Api.Events;

namespace Vault.Tests.Events;

/// <summary>The vault's signer against the Standard Webhooks specification's published test vector, and the published library that tests use to verify.</summary>
public sealed class WebhookSignatureTests
{
    // The specification's vector (standard-webhooks/standard-webhooks, the reference libraries' tests).
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Payload = "{\"test\": 2432232314}";
    private const string Expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void TheVaultSignsTheSpecificationsTestVectorExactly()
    {
        using var signer = new WebhookSigner(Secret);

        Assert.Equal(Expected, signer.Sign(Id, Timestamp, Encoding.UTF8.GetBytes(Payload)));
        Assert.Equal("[redacted]", signer.ToString());
    }

    [Fact]
    public void ThePublishedLibraryTheTestsVerifyWithAgreesOnTheVector()
    {
        Assert.Equal(Expected, new StandardWebhook(Secret).Sign(Id, DateTimeOffset.FromUnixTimeSeconds(Timestamp), Payload));
    }

    [Theory]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")] // no prefix
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAA=")] // 20 bytes: under the specification's 24
    [InlineData("whsec_")]
    public void SecretsOutsideTheSpecificationAreRefused(string secret)
    {
        Assert.False(WebhookSigner.IsValidSecret(secret));
        Assert.Throws<ArgumentException>(() => new WebhookSigner(secret));
    }

    [Fact]
    public void RetriesBackOffExponentiallyWithJitterAndStopAfterThreeDays()
    {
        const double Top = 0.9999999;
        Assert.Equal(TimeSpan.FromSeconds(5), RetrySchedule.Delay(1, 0));
        Assert.InRange(RetrySchedule.Delay(1, Top), TimeSpan.FromSeconds(9.999), TimeSpan.FromSeconds(10));
        Assert.InRange(RetrySchedule.Delay(3, Top), TimeSpan.FromSeconds(39.99), TimeSpan.FromSeconds(40));
        Assert.InRange(RetrySchedule.Delay(30, Top), TimeSpan.FromHours(5.999), TimeSpan.FromHours(6));
        Assert.Equal(TimeSpan.FromHours(3), RetrySchedule.Delay(30, 0));

        var since = DateTimeOffset.UnixEpoch;
        var now = since;
        var attempts = 0;
        while (RetrySchedule.Next(++attempts, since, now, 0.5) is { } next)
            now = next;
        Assert.InRange(attempts, 15, 30);
        Assert.True(now - since <= RetrySchedule.GiveUpAfter);
        Assert.True(now - since > RetrySchedule.GiveUpAfter - RetrySchedule.Longest);
    }
}
