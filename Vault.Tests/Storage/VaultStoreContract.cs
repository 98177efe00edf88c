using System.Security.Cryptography;
using Vault.Storage;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

/// <summary>
/// The behaviour every <see cref="IVaultStore"/> must have. A store for another database runs the
/// same tests by subclassing and implementing <see cref="CreateStoreAsync"/>.
/// </summary>
public abstract partial class VaultStoreContract
{
    /// <summary>
    /// A migrated store. Within one test every call returns a new store over the same, initially
    /// empty database (so a second call is "the same database after a restart").
    /// </summary>
    protected abstract Task<IVaultStore> CreateStoreAsync();

    [Fact]
    public async Task AConnectionRoundTripsEveryFieldWithExactTimestamps()
    {
        await using var store = await CreateStoreAsync();
        var connection = Connection() with { Status = ConnectionStatus.ReauthorizationRequired, Format = "databorder", LastUsedAt = Created.AddHours(3).AddMilliseconds(7) };

        await store.UpsertConnectionAsync(connection, Audit());

        AssertSameConnection(connection, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
    }

    [Fact]
    public async Task AConnectionWithoutOptionalFieldsRoundTrips()
    {
        await using var store = await CreateStoreAsync();
        var connection = Connection(api: ApiNames.Ads) with { SellingPartnerId = null, Region = "fe", LastUsedAt = null };

        await store.UpsertConnectionAsync(connection, Audit(api: ApiNames.Ads));

        AssertSameConnection(connection, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.Ads));
    }

    [Fact]
    public async Task AMissingConnectionIsNull()
    {
        await using var store = await CreateStoreAsync();

        Assert.Null(await store.GetConnectionAsync("tenant-a", "NOBODY", ApiNames.SpApi));
        Assert.Empty(await store.GetSellerConnectionsAsync("tenant-a", "NOBODY"));
    }

    [Fact]
    public async Task UpsertReportsCreatedThenReplacedAndKeepsTheFirstCreationTime()
    {
        await using var store = await CreateStoreAsync();
        var first = Connection();
        var second = Connection() with
        {
            Region = "na",
            SellingPartnerId = "SP-OTHER",
            Status = ConnectionStatus.ReauthorizationRequired,
            Format = "databorder",
            CreatedAt = Created.AddDays(2),
            UpdatedAt = Created.AddDays(2),
            LastUsedAt = Created.AddDays(1),
        };

        Assert.Equal(UpsertOutcome.Created, (await store.UpsertConnectionAsync(first, Audit())).Outcome);
        var replaced = await store.UpsertConnectionAsync(second, Audit(action: "connection.replaced"));
        Assert.Equal(UpsertOutcome.Replaced, replaced.Outcome);
        AssertSameConnection(second with { CreatedAt = first.CreatedAt }, replaced.Connection);

        AssertSameConnection(second with { CreatedAt = first.CreatedAt }, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
        var audit = await store.QueryAuditAsync("tenant-a", null, null, 10, null);
        Assert.Equal(["connection.replaced", "connection.created"], audit.Items.Select(e => e.Action));
    }

    [Fact]
    public async Task SellerConnectionsHoldEveryApiOfThatSellerOnly()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertConnectionAsync(Connection(api: ApiNames.SpApi), Audit());
        await store.UpsertConnectionAsync(Connection(api: ApiNames.Ads), Audit());
        await store.UpsertConnectionAsync(Connection(seller: "B2SELLER"), Audit(seller: "B2SELLER"));

        var connections = await store.GetSellerConnectionsAsync("tenant-a", "A1SELLER");

        Assert.Equal([ApiNames.Ads, ApiNames.SpApi], connections.Select(c => c.Api).Order(StringComparer.Ordinal));
        Assert.All(connections, c => Assert.Equal("A1SELLER", c.SellerId));
    }

    [Fact]
    public async Task SetStatusChangesTheStatusAndAppendsItsAuditEvent()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertConnectionAsync(Connection(), Audit());
        var at = Created.AddHours(5);

        var changed = await store.SetStatusAsync("tenant-a", "A1SELLER", ApiNames.SpApi, ConnectionStatus.ReauthorizationRequired, Audit(action: "connection.revoked") with { At = at });

        Assert.True(changed);
        var stored = await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi);
        Assert.Equal(ConnectionStatus.ReauthorizationRequired, stored!.Status);
        Assert.Equal(at, stored.UpdatedAt);
        var newest = (await store.QueryAuditAsync("tenant-a", null, null, 1, null)).Items.Single();
        Assert.Equal("connection.revoked", newest.Action);
        Assert.Equal(at, newest.At);
    }

    [Fact]
    public async Task SetStatusOfAMissingConnectionIsFalseAndAuditsNothing()
    {
        await using var store = await CreateStoreAsync();

        Assert.False(await store.SetStatusAsync("tenant-a", "NOBODY", ApiNames.SpApi, ConnectionStatus.Active, Audit(action: "connection.revoked")));

        Assert.Empty((await store.QueryAuditAsync("tenant-a", null, null, 10, null)).Items);
    }

    [Fact]
    public async Task TouchRecordsTheLastUseAndNeverMovesItBackwards()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertConnectionAsync(Connection(), Audit());
        var later = Created.AddHours(1).AddMilliseconds(1);

        await store.TouchLastUsedAsync("tenant-a", "A1SELLER", ApiNames.SpApi, later);
        await store.TouchLastUsedAsync("tenant-a", "A1SELLER", ApiNames.SpApi, later.AddMinutes(-30));

        Assert.Equal(later, (await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi))!.LastUsedAt);
    }

    [Fact]
    public async Task TouchingAMissingConnectionDoesNotThrow()
    {
        await using var store = await CreateStoreAsync();

        await store.TouchLastUsedAsync("tenant-a", "NOBODY", ApiNames.SpApi, Created);

        Assert.Null(await store.GetConnectionAsync("tenant-a", "NOBODY", ApiNames.SpApi));
    }

    [Fact]
    public async Task DeletingOneApiRemovesItReturnsAWipedCopyAndKeepsTheOther()
    {
        await using var store = await CreateStoreAsync();
        var ads = Connection(api: ApiNames.Ads);
        await store.UpsertConnectionAsync(Connection(), Audit());
        await store.UpsertConnectionAsync(ads, Audit(api: ApiNames.Ads));

        var deleted = await store.DeleteConnectionsAsync("tenant-a", "A1SELLER", ApiNames.Ads, Audit(action: "connection.deleted", api: ApiNames.Ads));

        var copy = Assert.Single(deleted);
        Assert.Equal(ApiNames.Ads, copy.Api);
        Assert.Equal(ads.Blob.Length, copy.Blob.Length);
        Assert.NotEqual(ads.Blob, copy.Blob);
        Assert.Null(await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.Ads));
        Assert.NotNull(await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
        Assert.Equal("connection.deleted", (await store.QueryAuditAsync("tenant-a", null, null, 1, null)).Items.Single().Action);
    }

    [Fact]
    public async Task DeletingWithoutAnApiRemovesEveryConnectionOfTheSeller()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertConnectionAsync(Connection(), Audit());
        await store.UpsertConnectionAsync(Connection(api: ApiNames.Ads), Audit());
        await store.UpsertConnectionAsync(Connection(seller: "B2SELLER"), Audit(seller: "B2SELLER"));

        var deleted = await store.DeleteConnectionsAsync("tenant-a", "A1SELLER", null, Audit(action: "seller.deleted", api: null));

        Assert.Equal(2, deleted.Count);
        Assert.Empty(await store.GetSellerConnectionsAsync("tenant-a", "A1SELLER"));
        Assert.Single(await store.GetSellerConnectionsAsync("tenant-a", "B2SELLER"));
    }

    [Fact]
    public async Task DeletingASellerWithoutConnectionsReturnsNothing()
    {
        await using var store = await CreateStoreAsync();

        Assert.Empty(await store.DeleteConnectionsAsync("tenant-a", "NOBODY", null, Audit(action: "seller.deleted")));
    }

    [Fact]
    public async Task AnAuditEventOfAnotherTenantIsRefused()
    {
        await using var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => store.UpsertConnectionAsync(Connection(), Audit(tenant: "tenant-b")));
        Assert.Null(await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
    }

    [Fact]
    public async Task PingAnswersTrueForAWorkingStore()
    {
        await using var store = await CreateStoreAsync();

        Assert.True(await store.PingAsync());
    }

    private static byte[] NewBlob() => RandomNumberGenerator.GetBytes(96);
}
