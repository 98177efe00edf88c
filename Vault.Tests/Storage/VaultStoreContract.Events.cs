using Vault.Storage;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

/// <summary>The outbox of lifecycle events (issue 15): written with the change, or not at all; claimed once, in order per seller.</summary>
public abstract partial class VaultStoreContract
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);
    // Events the samples write are at the store's clock (now): claims look a day ahead of it.
    private static readonly DateTimeOffset Later = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds());

    [Fact]
    public async Task EveryStateChangeWritesItsLifecycleEvent()
    {
        await using var store = await CreateStoreAsync();
        var sp = Connection();
        var ads = Connection(api: ApiNames.Ads);
        await store.UpsertConnectionAsync(sp, Audit(action: "connection.connected"));
        await store.UpsertConnectionAsync(ads, Audit(action: "connection.imported", api: ApiNames.Ads));
        await store.UpsertConnectionAsync(sp with { Blob = NewBlob() }, Audit(action: "connection.connected"));
        var spNow = (await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi))!;
        await store.SetStatusAsync("tenant-a", "A1SELLER", ApiNames.SpApi, ConnectionStatus.ReauthorizationRequired, Audit(action: "connection.reauthorization_required"));
        var adsNow = (await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.Ads))!;
        await store.ReplaceBlobsAsync("tenant-a", "A1SELLER", [new(ApiNames.Ads, adsNow.Blob, NewBlob(), "v1")], Audit(action: "connection.upgraded", api: ApiNames.Ads));
        adsNow = (await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.Ads))!;
        await store.ReplaceBlobsAsync(
            "tenant-a", "A1SELLER", [new(ApiNames.SpApi, spNow.Blob, NewBlob(), "v1"), new(ApiNames.Ads, adsNow.Blob, NewBlob(), "v1")], Audit(action: "secret.rotated", api: null));
        await store.DeleteConnectionsAsync("tenant-a", "A1SELLER", null, Audit(action: "connection.deleted", api: null));

        var events = (await store.QueryEventsAsync("tenant-a", null, null, 100, null)).Items;

        Assert.Equal(
            [
                (EventTypes.Created, ApiNames.SpApi, "active"), (EventTypes.Created, ApiNames.Ads, "active"), (EventTypes.Reauthorized, ApiNames.SpApi, "active"),
                (EventTypes.ReauthorizationRequired, ApiNames.SpApi, "reauthorization_required"), (EventTypes.Upgraded, ApiNames.Ads, "active"),
                (EventTypes.SecretRotated, ApiNames.Ads, "active"), (EventTypes.SecretRotated, ApiNames.SpApi, "reauthorization_required"),
                (EventTypes.Deleted, ApiNames.Ads, "deleted"), (EventTypes.Deleted, ApiNames.SpApi, "deleted"),
            ],
            events.Select(e => (e.Type, e.Api!, e.Status!)));
        Assert.All(events, e => Assert.Equal(("tenant-a", "A1SELLER", "eu", DeliveryStates.Pending), (e.Tenant, e.SellerId, e.Region!, e.Delivery.State)));
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
        Assert.All(events, e => Assert.Matches("^evt_[0-9a-f]{32}$", e.Id));
        Assert.Equal(events.Select(e => e.Seq).Order(), events.Select(e => e.Seq));
    }

    [Fact]
    public async Task AChangeThatDoesNotCommitWritesNoEvent()
    {
        await using var store = await CreateStoreAsync();
        var sp = Connection();
        await store.UpsertConnectionAsync(sp, Audit());

        Assert.False(await store.ReplaceBlobsAsync("tenant-a", "A1SELLER", [new(ApiNames.SpApi, NewBlob(), NewBlob(), "v1")], Audit(action: "secret.rotated")));
        Assert.False(await store.SetStatusAsync("tenant-a", "NOBODY", ApiNames.SpApi, ConnectionStatus.ReauthorizationRequired, Audit(seller: "NOBODY")));
        Assert.Empty(await store.DeleteConnectionsAsync("tenant-a", "NOBODY", null, Audit(seller: "NOBODY")));
        await store.UpsertConnectionAsync(sp, Audit(action: StoreCopy.CopiedAction));

        Assert.Equal([EventTypes.Created], (await store.QueryEventsAsync("tenant-a", null, null, 100, null)).Items.Select(e => e.Type));
    }

    [Fact]
    public async Task EventsPageOldestFirstByCursorTypeAndTimeWithinTheTenant()
    {
        await using var store = await CreateStoreAsync();
        for (var i = 0; i < 5; i++)
            await store.UpsertConnectionAsync(Connection(seller: $"S{i}"), Audit(seller: $"S{i}") with { At = Created.AddMinutes(i) });
        await store.DeleteConnectionsAsync("tenant-a", "S0", null, Audit(seller: "S0") with { At = Created.AddMinutes(10) });
        await store.UpsertConnectionAsync(Connection(tenant: "tenant-b", seller: "B1"), Audit(tenant: "tenant-b", seller: "B1"));

        var first = await store.QueryEventsAsync("tenant-a", null, null, 2, null);
        var second = await store.QueryEventsAsync("tenant-a", null, null, 10, first.NextCursor);
        var empty = await store.QueryEventsAsync("tenant-a", null, null, 10, second.NextCursor);

        Assert.Equal(["S0", "S1"], first.Items.Select(e => e.SellerId));
        Assert.Equal(["S2", "S3", "S4", "S0"], second.Items.Select(e => e.SellerId));
        Assert.Empty(empty.Items);
        Assert.Equal(second.NextCursor, empty.NextCursor);
        Assert.Equal(["S0"], (await store.QueryEventsAsync("tenant-a", null, EventTypes.Deleted, 10, null)).Items.Select(e => e.SellerId));
        Assert.Equal(["S3", "S4", "S0"], (await store.QueryEventsAsync("tenant-a", Created.AddMinutes(3), null, 10, null)).Items.Select(e => e.SellerId));
        var other = (await store.QueryEventsAsync("tenant-b", null, null, 10, null)).Items.Single();
        Assert.Null(await store.GetEventAsync("tenant-a", other.Id));
        Assert.False(await store.RedeliverEventAsync("tenant-a", other.Id, Later));
        Assert.Equal(other.Id, (await store.GetEventAsync("tenant-b", other.Id))!.Id);
    }

    [Fact]
    public async Task AClaimTakesOnlyTheOldestPendingEventOfEachSellerOnce()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertConnectionAsync(Connection(seller: "S1"), Audit(seller: "S1"));
        await store.UpsertConnectionAsync(Connection(seller: "S2"), Audit(seller: "S2"));
        await store.DeleteConnectionsAsync("tenant-a", "S1", null, Audit(seller: "S1"));
        await store.UpsertConnectionAsync(Connection(tenant: "tenant-b", seller: "S1"), Audit(tenant: "tenant-b", seller: "S1"));

        var claimed = await store.ClaimDueEventsAsync("one", Later, Lease, 10);
        var again = await store.ClaimDueEventsAsync("two", Later, Lease, 10);

        Assert.Equal(
            [("tenant-a", "S1", EventTypes.Created), ("tenant-a", "S2", EventTypes.Created), ("tenant-b", "S1", EventTypes.Created)],
            claimed.Select(e => (e.Tenant, e.SellerId, e.Type)).Order());
        Assert.Empty(again);

        var s1 = claimed.Single(e => e is { Tenant: "tenant-a", SellerId: "S1" });
        Assert.False(await store.CompleteDeliveryAsync(s1.Seq, "two", new(Later, DeliveryStates.Delivered, 204, null, null)));
        Assert.True(await store.CompleteDeliveryAsync(s1.Seq, "one", new(Later, DeliveryStates.Delivered, 204, null, null)));
        Assert.False(await store.CompleteDeliveryAsync(s1.Seq, "one", new(Later, DeliveryStates.Delivered, 204, null, null)));

        var next = await store.ClaimDueEventsAsync("two", Later, Lease, 10);
        Assert.Equal(("S1", EventTypes.Deleted), (next.Single().SellerId, next.Single().Type));
        var delivered = (await store.GetEventAsync("tenant-a", s1.Id))!.Delivery;
        Assert.Equal((DeliveryStates.Delivered, 1, (int?)204), (delivered.State, delivered.Attempts, delivered.LastStatus));
        Assert.Equal(Later.UtcTicks, delivered.DeliveredAt!.Value.UtcTicks);
        Assert.Equal(3, await store.CountPendingEventsAsync());
    }

    [Fact]
    public async Task ARetryWaitsUntilDueAndALostLeaseExpires()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertConnectionAsync(Connection(), Audit());
        var e = (await store.ClaimDueEventsAsync("one", Later, Lease, 10)).Single();

        Assert.True(await store.CompleteDeliveryAsync(e.Seq, "one", new(Later, DeliveryStates.Pending, 500, null, Later.AddMinutes(5))));
        Assert.Empty(await store.ClaimDueEventsAsync("one", Later.AddMinutes(4), Lease, 10));
        Assert.Equal(e.Id, (await store.ClaimDueEventsAsync("one", Later.AddMinutes(5), Lease, 10)).Single().Id);

        // "one" died holding it: the lease runs out and another instance takes it; "one" can no longer record it.
        Assert.Empty(await store.ClaimDueEventsAsync("two", Later.AddMinutes(5).Add(Lease).AddSeconds(-1), Lease, 10));
        Assert.Equal(e.Id, (await store.ClaimDueEventsAsync("two", Later.AddMinutes(5).Add(Lease), Lease, 10)).Single().Id);
        Assert.False(await store.CompleteDeliveryAsync(e.Seq, "one", new(Later, DeliveryStates.Delivered, 200, null, null)));
        Assert.True(await store.CompleteDeliveryAsync(e.Seq, "two", new(Later, DeliveryStates.Failed, null, "timeout", null)));

        var failed = (await store.GetEventAsync("tenant-a", e.Id))!.Delivery;
        Assert.Equal((DeliveryStates.Failed, 2, "timeout"), (failed.State, failed.Attempts, failed.LastError));
        Assert.True(await store.RedeliverEventAsync("tenant-a", e.Id, Later.AddDays(1)));
        Assert.Equal(e.Id, (await store.ClaimDueEventsAsync("one", Later.AddDays(1), Lease, 10)).Single().Id);
    }

    [Fact]
    public async Task RenewalDueIsWrittenOncePerThresholdOfEachSpApiConsent()
    {
        await using var store = await CreateStoreAsync();
        var consented = Created;
        await store.UpsertConnectionAsync(Connection() with { AuthorizedAt = consented }, Audit());
        await store.UpsertConnectionAsync(Connection(api: ApiNames.Ads) with { AuthorizedAt = consented }, Audit(api: ApiNames.Ads));
        var year = TimeSpan.FromDays(365);
        int[] thresholds = [30, 7, 1];

        Assert.Equal(0, await store.EmitRenewalsDueAsync(consented.AddDays(334), year, thresholds));
        Assert.Equal(1, await store.EmitRenewalsDueAsync(consented.AddDays(335), year, thresholds));
        Assert.Equal(0, await store.EmitRenewalsDueAsync(consented.AddDays(340), year, thresholds));
        Assert.Equal(1, await store.EmitRenewalsDueAsync(consented.AddDays(364), year, thresholds));
        Assert.Equal(0, await store.EmitRenewalsDueAsync(consented.AddDays(365), year, thresholds));

        var renewals = (await store.QueryEventsAsync("tenant-a", null, EventTypes.RenewalDue, 10, null)).Items;
        Assert.Equal([30, 1], renewals.Select(e => e.DaysLeft!.Value));
        Assert.All(renewals, e => Assert.Equal((ApiNames.SpApi, (consented + year).UtcTicks), (e.Api!, e.ExpiresAt!.Value.UtcTicks)));
        Assert.Equal(consented.UtcTicks, (await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi))!.AuthorizedAt!.Value.UtcTicks);
    }

    [Fact]
    public async Task TwoStoresClaimingAtOnceNeverTakeTheSameEvent()
    {
        await using var setup = await CreateStoreAsync();
        for (var i = 0; i < 20; i++)
        {
            await setup.UpsertConnectionAsync(Connection(seller: $"S{i}"), Audit(seller: $"S{i}"));
            await setup.DeleteConnectionsAsync("tenant-a", $"S{i}", null, Audit(seller: $"S{i}"));
        }
        await using var one = await CreateStoreAsync();
        await using var two = await CreateStoreAsync();
        var claimed = new System.Collections.Concurrent.ConcurrentBag<(string Owner, string Id)>();

        async Task DrainAsync(IVaultStore store, string owner)
        {
            while (await store.ClaimDueEventsAsync(owner, Later, Lease, 3) is { Count: > 0 } due)
            {
                foreach (var e in due)
                {
                    claimed.Add((owner, e.Id));
                    Assert.True(await store.CompleteDeliveryAsync(e.Seq, owner, new(Later, DeliveryStates.Delivered, 200, null, null)));
                }
            }
        }
        await Task.WhenAll(Task.Run(() => DrainAsync(one, "one")), Task.Run(() => DrainAsync(two, "two")));

        Assert.Equal(40, claimed.Count);
        Assert.Equal(40, claimed.Select(c => c.Id).Distinct().Count());
        Assert.Equal(0, await setup.CountPendingEventsAsync());
    }
}

