using Vault.AmazonSimulator;
using Vault.Api.ClientSecrets;
using Vault.Tests.Scale;
using Vault.Tests.Storage;
using Vault.Tests.Support;

namespace Vault.Tests.ClientSecrets;

/// <summary>
/// Issue 16 on a scaled-out deployment: two vaults on one PostgreSQL database and one rotation queue. Expiry notices
/// reach both, yet Amazon is asked once; the secret Amazon then publishes is consumed by one and used by both.
/// </summary>
[Trait("Category", "Slow")] // PostgreSQL, moto_server and two vaults
public sealed class TwoInstanceRotationTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task ExpiryNoticesOnTwoInstancesClaimOneRotationAndBothUseTheNewSecret()
    {
        await using var sqs = await MotoSqs.StartAsync();
        var database = await SharedDatabase.CreateAsync(server);
        var rotated = TestSecrets.Add("rotated-client-secret", "rotated-" + Guid.NewGuid().ToString("N"));
        var rotator = new FakeRotator();
        // Amazon's answer to rotateApplicationClientSecret: the new secret on the app's queue.
        rotator.OnRotate = () => sqs.SendAsync(Notifications.NewSecret(SimulatorOptions.DefaultSpApiClientId, rotated, DateTimeOffset.UtcNow.AddDays(180), DateTimeOffset.UtcNow.AddDays(7)));
        await using var a = await RotatingVault.StartAsync(sqs, rotator, database.Configure);
        await using var b = await RotatingVault.StartAsync(sqs, rotator, database.Configure);
        var expires = DateTimeOffset.UtcNow.AddDays(10);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => sqs.SendAsync(Notifications.Expiry(SimulatorOptions.DefaultSpApiClientId, expires))));

        await RotatingVault.EventuallyAsync(
            () => Task.FromResult(RotatingVault.InUse(a) == ClientSecretSlot.Rotated && RotatingVault.InUse(b) == ClientSecretSlot.Rotated), "both instances use the rotated secret");
        await RotatingVault.EventuallyAsync(async () => await sqs.CountAsync(sqs.QueueUrl) == 0, "every notification is deleted");
        // Both pollers keep checking whether a rotation is due; a second one would show here.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(1, rotator.Calls);
        var row = await RotatingVault.RowAsync(b);
        Assert.Equal(1, row!.Version);
        Assert.InRange(row.SecretExpiresAt!.Value, DateTimeOffset.UtcNow.AddDays(179), DateTimeOffset.UtcNow.AddDays(181));
        Assert.Equal(0, await sqs.CountAsync(sqs.DeadLetterUrl));
    }
}
