using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Vault.AmazonSimulator;
using Vault.Api.ClientSecrets;
using Vault.Storage;
using Vault.Tests.Support;

namespace Vault.Tests.ClientSecrets;

/// <summary>
/// Issue 16, automatic rotation against a real local SQS (moto): Amazon's APPLICATION_OAUTH_CLIENT_NEW_SECRET is stored
/// sealed, used at once and deleted only after it is stored; a crash in between loses nothing; anything else is left for
/// the queue's redrive policy.
/// </summary>
[Trait("Category", "Slow")] // moto_server and vault servers
public sealed class RotationQueueTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Orders = "/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER";
    private static readonly string ClientId = SimulatorOptions.DefaultSpApiClientId;

    private static string NewSecretBody(string secret) =>
        Notifications.NewSecret(ClientId, secret, DateTimeOffset.UtcNow.AddDays(180), DateTimeOffset.UtcNow.AddDays(7));

    [Fact]
    public async Task ANewSecretNotificationIsStoredSealedUsedAtOnceAndDeleted()
    {
        await using var sqs = await MotoSqs.StartAsync();
        await using var vault = await RotatingVault.StartAsync(sqs, new FakeRotator());
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        var rotated = TestSecrets.Add("rotated-client-secret", "rotated-" + Guid.NewGuid().ToString("N"));

        await sqs.SendAsync(NewSecretBody(rotated));

        await RotatingVault.EventuallyAsync(async () => await sqs.CountAsync(sqs.QueueUrl) == 0, "the message is deleted");
        var row = await RotatingVault.RowAsync(vault);
        Assert.NotNull(row);
        Assert.Equal(1, row.Version);
        Assert.DoesNotContain(rotated, row.SealedSecret, StringComparison.Ordinal);
        Assert.DoesNotContain(SimulatorOptions.DefaultSpApiClientSecret, row.SealedOldSecret, StringComparison.Ordinal);
        Assert.InRange(row.SecretExpiresAt!.Value, DateTimeOffset.UtcNow.AddDays(179), DateTimeOffset.UtcNow.AddDays(181));
        Assert.Equal(ClientSecretSlot.Rotated, RotatingVault.InUse(vault));

        // Amazon now accepts only the new secret: the next refresh presents it first, one LWA call.
        vault.Simulator.State.ClientSecrets.Set(ClientId, [rotated]);
        using var call = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1" + Orders, seeded.Secret);
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Equal(1, vault.Simulator.State.Calls.TokenCallsByGrantType["refresh_token"]);
        Assert.Equal(0, await sqs.CountAsync(sqs.DeadLetterUrl));
    }

    /// <summary>
    /// The whole automatic rotation while proxied calls run (2 s access tokens, so refreshes keep coming): Amazon starts
    /// accepting the new secret and publishes it on the queue, the vault stores and uses it, then Amazon stops accepting
    /// the old one. No call fails.
    /// </summary>
    [Fact]
    public async Task NoProxiedCallFailsThroughAnAutomaticRotation()
    {
        await using var sqs = await MotoSqs.StartAsync();
        await using var vault = await RotatingVault.StartAsync(sqs, new FakeRotator(), simulator: s =>
        {
            s.AccessTokenLifetime = TimeSpan.FromSeconds(2);
            s.DefaultRateLimit = new RateLimit(100_000, 100_000); // the test is about LWA, not getOrders' quota
        });
        var rotated = TestSecrets.Add("rotated-client-secret", "rotated-" + Guid.NewGuid().ToString("N"));
        const int sellers = 4;
        var seeded = new Seed.Seeded[sellers];
        for (var i = 0; i < sellers; i++)
            seeded[i] = await Seed.ConnectionAsync(vault, $"seller-{i}");
        var (succeeded, failed) = (0, 0);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, sellers * 2).Select(w => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var call = await vault.SendAsync(HttpMethod.Get, $"/v1/sellers/seller-{w % sellers}" + Orders, seeded[w % sellers].Secret);
                Interlocked.Increment(ref call.IsSuccessStatusCode ? ref succeeded : ref failed);
                if (!call.IsSuccessStatusCode && failures.Count < 3)
                    failures.Add($"{(int)call.StatusCode} {await call.Content.ReadAsStringAsync()}");
            }
        })).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1));
        vault.Simulator.State.ClientSecrets.Set(ClientId, [SimulatorOptions.DefaultSpApiClientSecret, rotated]);
        await sqs.SendAsync(NewSecretBody(rotated));
        await RotatingVault.EventuallyAsync(() => Task.FromResult(RotatingVault.InUse(vault) == ClientSecretSlot.Rotated), "the rotated secret is in use");
        vault.Simulator.State.ClientSecrets.Set(ClientId, [rotated]);
        var refreshesBefore = vault.Simulator.State.Calls.TokenCallsByGrantType["refresh_token"];
        await Task.Delay(TimeSpan.FromSeconds(3));
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.True(failed == 0, $"{failed} of {succeeded + failed} calls failed: {string.Join(" | ", failures)}");
        Assert.True(vault.Simulator.State.Calls.TokenCallsByGrantType["refresh_token"] - refreshesBefore >= sellers, "too few refreshes after the old secret stopped working");
        Assert.Equal(0, await sqs.CountAsync(sqs.QueueUrl));
        output.WriteLine($"automatic rotation under load: {succeeded} calls, {failed} failed");
    }

    /// <summary>Holds the first store until the vault stops, as if it crashed between receiving and storing.</summary>
    private sealed class StoreThatNeverFinishes(IAppClientSecretStore inner, TaskCompletionSource received) : IAppClientSecretStore
    {
        public Task<StoredAppClientSecret?> GetAppClientSecretAsync(string api, CancellationToken ct = default) => inner.GetAppClientSecretAsync(api, ct);

        public async Task SaveAppClientSecretAsync(string api, string sealedSecret, DateTimeOffset? secretExpiresAt, string? sealedOldSecret, DateTimeOffset? oldSecretExpiresAt, DateTimeOffset now, CancellationToken ct = default)
        {
            received.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }

        public Task<bool> RecordAppClientSecretExpiryAsync(string api, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct = default) => inner.RecordAppClientSecretExpiryAsync(api, expiresAt, now, ct);

        public Task<bool> TryClaimRotationAsync(string api, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken ct = default) => inner.TryClaimRotationAsync(api, now, claimedBefore, ct);
    }

    [Fact]
    public async Task AVaultThatStopsAfterReceivingButBeforeStoringLosesNothing()
    {
        // Room for a slow store on a loaded machine: this test is about redelivery, not the dead-letter queue.
        await using var sqs = await MotoSqs.StartAsync(maxReceiveCount: 5, visibilitySeconds: 2);
        var rotated = TestSecrets.Add("rotated-client-secret", "rotated-" + Guid.NewGuid().ToString("N"));
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var crashing = await RotatingVault.StartAsync(sqs, new FakeRotator(), services: s =>
            s.AddSingleton<IAppClientSecretStore>(p => new StoreThatNeverFinishes((IAppClientSecretStore)p.GetRequiredService<IVaultStore>(), received)));
        await sqs.SendAsync(NewSecretBody(rotated));
        await received.Task.WaitAsync(TimeSpan.FromSeconds(20));

        await crashing.DisposeAsync();

        Assert.Equal(1, await sqs.CountAsync(sqs.QueueUrl));
        await using var next = await RotatingVault.StartAsync(sqs, new FakeRotator());
        await RotatingVault.EventuallyAsync(async () => await sqs.CountAsync(sqs.QueueUrl) == 0, "the redelivered message is stored and deleted");
        Assert.Equal(0, await sqs.CountAsync(sqs.DeadLetterUrl));
        Assert.Equal(1, (await RotatingVault.RowAsync(next))?.Version);
        Assert.Equal(ClientSecretSlot.Rotated, RotatingVault.InUse(next));
    }

    [Fact]
    public async Task MalformedAndForeignMessagesAreLeftForTheDeadLetterQueueAndChangeNothing()
    {
        await using var sqs = await MotoSqs.StartAsync();
        var rotator = new FakeRotator();
        await using var vault = await RotatingVault.StartAsync(sqs, rotator);
        string[] bodies =
        [
            "{ not json",
            Notifications.Envelope("ANY_OFFER_CHANGED", new { anyOfferChangedNotification = new { sellerId = "A1" } }),
            Notifications.NewSecret("amzn1.application-oa2-client.someone-else", TestSecrets.Add("foreign-secret", "foreign-" + Guid.NewGuid().ToString("N")), DateTimeOffset.UtcNow.AddDays(180), DateTimeOffset.UtcNow.AddDays(7)),
            Notifications.Envelope("APPLICATION_OAUTH_CLIENT_NEW_SECRET", new { applicationOAuthClientNewSecret = new { clientId = ClientId } }),
        ];
        foreach (var body in bodies)
            await sqs.SendAsync(body);

        await RotatingVault.EventuallyAsync(async () => await sqs.CountAsync(sqs.DeadLetterUrl) == bodies.Length, "every message is in the dead-letter queue", TimeSpan.FromSeconds(30));

        Assert.Equal(0, await sqs.CountAsync(sqs.QueueUrl));
        Assert.Null(await RotatingVault.RowAsync(vault));
        Assert.Equal(ClientSecretSlot.Current, RotatingVault.InUse(vault));
        Assert.Equal(0, rotator.Calls);
    }
}
