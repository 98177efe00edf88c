using Vault.Storage;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

/// <summary>Another tenant's rows are invisible: null, empty or false, never an error.</summary>
public abstract partial class VaultStoreContract
{
    [Fact]
    public async Task AnotherTenantFindsNoConnections()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertConnectionAsync(Connection(), Audit());

        Assert.Null(await store.GetConnectionAsync("tenant-b", "A1SELLER", ApiNames.SpApi));
        Assert.Empty(await store.GetSellerConnectionsAsync("tenant-b", "A1SELLER"));
        var page = await store.ListSellersAsync("tenant-b", 100, null);
        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task AnotherTenantCannotDeleteAConnection()
    {
        await using var store = await CreateStoreAsync();
        var connection = Connection();
        await store.UpsertConnectionAsync(connection, Audit());

        Assert.Empty(await store.DeleteConnectionsAsync("tenant-b", "A1SELLER", null, Audit(tenant: "tenant-b", action: "seller.deleted")));
        Assert.Empty(await store.DeleteConnectionsAsync("tenant-b", "A1SELLER", ApiNames.SpApi, Audit(tenant: "tenant-b", action: "connection.deleted")));

        AssertSameConnection(connection, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
    }

    [Fact]
    public async Task AnotherTenantCannotReplaceABlob()
    {
        await using var store = await CreateStoreAsync();
        var connection = Connection();
        await store.UpsertConnectionAsync(connection, Audit());

        Assert.False(await store.ReplaceBlobsAsync("tenant-b", "A1SELLER", [new(ApiNames.SpApi, connection.Blob, NewBlob(), "v1")], null));

        AssertSameConnection(connection, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
    }

    [Fact]
    public async Task AnotherTenantCannotSetTheStatus()
    {
        await using var store = await CreateStoreAsync();
        var connection = Connection();
        await store.UpsertConnectionAsync(connection, Audit());

        Assert.False(await store.SetStatusAsync("tenant-b", "A1SELLER", ApiNames.SpApi, ConnectionStatus.ReauthorizationRequired, null));

        AssertSameConnection(connection, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
    }

    [Fact]
    public async Task AnotherTenantCannotTouchAConnection()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertConnectionAsync(Connection(), Audit());

        await store.TouchLastUsedAsync("tenant-b", "A1SELLER", ApiNames.SpApi, Created.AddHours(1));

        Assert.Null((await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi))!.LastUsedAt);
    }

    [Fact]
    public async Task AnotherTenantCannotReplaceAConnectionOfTheSameSeller()
    {
        await using var store = await CreateStoreAsync();
        var mine = Connection();
        var theirs = Connection(tenant: "tenant-b");

        Assert.Equal(UpsertOutcome.Created, (await store.UpsertConnectionAsync(mine, Audit())).Outcome);
        Assert.Equal(UpsertOutcome.Created, (await store.UpsertConnectionAsync(theirs, Audit(tenant: "tenant-b"))).Outcome);

        AssertSameConnection(mine, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
        AssertSameConnection(theirs, await store.GetConnectionAsync("tenant-b", "A1SELLER", ApiNames.SpApi));
    }

    [Fact]
    public async Task AnotherTenantSeesNoneOfTheAuditLog()
    {
        await using var store = await CreateStoreAsync();
        await store.UpsertConnectionAsync(Connection(), Audit());
        await store.AppendAuditAsync(Audit(action: "seller.viewed"));

        Assert.Empty((await store.QueryAuditAsync("tenant-b", null, null, 100, null)).Items);
        Assert.Empty((await store.QueryAuditAsync("tenant-b", "A1SELLER", null, 100, null)).Items);
    }
}
