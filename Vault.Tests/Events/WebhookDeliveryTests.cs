using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vault.Api.Events;
using Vault.Storage;
using Vault.Storage.Sqlite;
using Vault.Tests.Support;

namespace Vault.Tests.Events;

/// <summary>
/// The delivery service against a real HTTP receiver on loopback, with the outbox in SQLite and time from a fake clock
/// (backoff without waiting): failures then recovery, order per seller, no duplicate after a 2xx, 410, no redirects.
/// </summary>
[Trait("Category", "Slow")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime")]
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vault-events-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly string _secret = WebhookReceiver.NewSecret();
    private SqliteVaultStore _store = null!;
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _store = new SqliteVaultStore(Path.Combine(_directory, "vault.db"), _clock);
        await _store.MigrateAsync();
        _receiver = await WebhookReceiver.StartAsync(_secret);
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _store.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task AReceiverThatFailsThenRecoversGetsEveryEventInOrderPerSellerAndNoneTwiceAfterA2xx()
    {
        var delivery = Delivery();
        for (var i = 0; i < 3; i++)
        {
            foreach (var seller in (string[])["S1", "S2"])
                await _store.UpsertConnectionAsync(Connection(seller), Audit(seller, "connection.connected"));
        }
        await _store.DeleteConnectionsAsync("t", "S1", null, Audit("S1", "connection.deleted"));
        var expected = (await _store.QueryEventsAsync("t", null, null, 100, null)).Items;

        // Every event's first attempt gets 500; the first event's second attempt stalls past the 10 s timeout and its
        // third finds the receiver gone (connection refused); after that the receiver answers 204.
        var attempts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        _receiver.Answer = async (_, r) =>
        {
            var n = attempts.AddOrUpdate(r.Id, 1, (_, k) => k + 1);
            if (r.Id == expected[0].Id && n == 2)
                await Task.Delay(WebhookSender.Timeout + TimeSpan.FromSeconds(1));
            return n == 1 || (r.Id == expected[0].Id && n == 2) ? 500 : 204;
        };
        await delivery.DeliverDueAsync(default); // S1#1 500, S2#1 500
        _clock.Advance(RetrySchedule.Delay(1, 1));
        await delivery.DeliverDueAsync(default); // S1#1 stalls (timeout), S2#1 204
        var afterTimeout = (await _store.GetEventAsync("t", expected[0].Id))!.Delivery;
        Assert.True(afterTimeout is { State: DeliveryStates.Pending, Attempts: 2, LastError: "timeout" }, $"{afterTimeout}");
        await _receiver.StopAsync();
        _clock.Advance(RetrySchedule.Delay(2, 1));
        await delivery.DeliverDueAsync(default); // refused
        Assert.Equal("connection", (await _store.GetEventAsync("t", expected[0].Id))!.Delivery.LastError);
        await _receiver.StartAsync();
        for (var pass = 0; pass < 50 && await _store.CountPendingEventsAsync() > 0; pass++)
        {
            _clock.Advance(RetrySchedule.Longest);
            await delivery.DeliverDueAsync(default);
        }

        var acknowledged = _receiver.Acknowledged;
        Assert.All(_receiver.Requests, r => Assert.True(r.Verified, "a signature the published library rejects"));
        Assert.Equal(expected.Select(e => e.Id).Order(), acknowledged.Select(r => r.Id).Order());
        foreach (var seller in (string[])["S1", "S2"])
        {
            Assert.Equal(expected.Where(e => e.SellerId == seller).Select(e => e.Id), acknowledged.Where(r => r.SellerId == seller).Select(r => r.Id));
            // Nothing of a seller reaches the receiver before its earlier events are acknowledged.
            var firstSeen = _receiver.Requests.Where(r => r.SellerId == seller).Select(r => r.Id).Distinct();
            Assert.Equal(expected.Where(e => e.SellerId == seller).Select(e => e.Id), firstSeen);
        }
        Assert.All((await _store.QueryEventsAsync("t", null, null, 100, null)).Items, e => Assert.Equal(DeliveryStates.Delivered, e.Delivery.State));
    }

    [Fact]
    public async Task AnEventStillRefusedAfterThreeDaysFailsAndTheNextOfItsSellerGoesOn()
    {
        var delivery = Delivery();
        await _store.UpsertConnectionAsync(Connection("S1"), Audit("S1", "connection.connected"));
        await _store.DeleteConnectionsAsync("t", "S1", null, Audit("S1", "connection.deleted"));
        var (first, second) = ((await _store.QueryEventsAsync("t", null, null, 10, null)).Items[0], (await _store.QueryEventsAsync("t", null, null, 10, null)).Items[1]);
        _receiver.Answer = (_, r) => Task.FromResult(r.Id == first.Id ? 503 : 200);

        while ((await _store.GetEventAsync("t", first.Id))!.Delivery.State == DeliveryStates.Pending)
        {
            await delivery.DeliverDueAsync(default);
            _clock.Advance(TimeSpan.FromMinutes(30));
        }
        await delivery.DeliverDueAsync(default);

        var failed = (await _store.GetEventAsync("t", first.Id))!.Delivery;
        Assert.Equal((DeliveryStates.Failed, 503), (failed.State, failed.LastStatus));
        Assert.InRange(failed.Attempts, 10, 40);
        Assert.True(_clock.GetUtcNow() - first.At >= RetrySchedule.GiveUpAfter - RetrySchedule.Longest);
        Assert.Equal([second.Id], _receiver.Acknowledged.Select(r => r.Id));
    }

    [Fact]
    public async Task A410StopsDeliveryAndARedirectIsNotFollowed()
    {
        var delivery = Delivery();
        await _store.UpsertConnectionAsync(Connection("S1"), Audit("S1", "connection.connected"));
        await _store.UpsertConnectionAsync(Connection("S2"), Audit("S2", "connection.connected"));
        _receiver.Answer = (_, r) => Task.FromResult(r.SellerId == "S1" ? 307 : 410);

        await delivery.DeliverDueAsync(default);
        _clock.Advance(TimeSpan.FromHours(1));
        await delivery.DeliverDueAsync(default);

        Assert.True(delivery.Stopped);
        Assert.Equal(2, _receiver.Requests.Count); // the 307's Location was not followed; nothing after the 410
        Assert.Equal(2, await _store.CountPendingEventsAsync());
    }

    private WebhookDelivery Delivery()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
        var sender = new WebhookSender(http, new WebhookSigner(_secret), _receiver.Url, _clock);
        return new WebhookDelivery(_store, sender, _clock, new EventMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), NullLogger<WebhookDelivery>.Instance);
    }

    private Connection Connection(string seller) => new("t", seller, ApiNames.SpApi, "eu", null, ConnectionStatus.Active, "v1",
        System.Security.Cryptography.RandomNumberGenerator.GetBytes(64), _clock.GetUtcNow(), _clock.GetUtcNow(), null);

    private static AuditEvent Audit(string seller, string action) => new("t", action, "test", seller, ApiNames.SpApi, "eu");
}
