using Vault.Storage;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

public abstract partial class VaultStoreContract
{
    [Fact]
    public async Task ASandboxConnectionIsStoredAsSuchAndAnUpsertSetsItAnew()
    {
        await using var store = await CreateStoreAsync();
        var sandbox = Connection() with { Sandbox = true };

        var created = await store.UpsertConnectionAsync(sandbox, Audit());
        var read = await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi);
        var listed = await store.GetSellerConnectionsAsync("tenant-a", "A1SELLER");
        var production = await store.UpsertConnectionAsync(Connection(), Audit(action: "connection.imported"));

        Assert.True(created.Connection.Sandbox);
        Assert.True(read!.Sandbox);
        Assert.True(Assert.Single(listed).Sandbox);
        Assert.False(production.Connection.Sandbox);
        Assert.False((await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi))!.Sandbox);
    }
}
