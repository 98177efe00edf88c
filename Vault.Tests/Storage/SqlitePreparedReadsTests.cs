using Microsoft.Data.Sqlite;
using Vault.Storage;
using Vault.Storage.Sqlite;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

/// <summary>
/// The connection read keeps its connections open with the statement prepared: another writer's changes must
/// still be seen at once, and the kept connections must not hold the WAL back from a truncating checkpoint.
/// </summary>
public sealed class SqlitePreparedReadsTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vault-store-tests", Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "vault.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteDatabase.ClearPool(DatabasePath);
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AReplacedOrDeletedRowIsReadAsItIsNowNotAsItWasPrepared()
    {
        await using var reader = await OpenStoreAsync();
        await using var writer = await OpenStoreAsync();
        var first = Connection();
        await writer.UpsertConnectionAsync(first, Audit());
        AssertSameConnection(first, await reader.GetConnectionAsync(first.Tenant, first.SellerId, first.Api));

        var replaced = first with { Blob = [.. first.Blob.Reverse()] };
        await writer.UpsertConnectionAsync(replaced, Audit(action: "connection.replaced"));
        AssertSameConnection(replaced, await reader.GetConnectionAsync(first.Tenant, first.SellerId, first.Api));

        await writer.DeleteConnectionsAsync(first.Tenant, first.SellerId, first.Api, Audit(action: "connection.deleted"));
        Assert.Null(await reader.GetConnectionAsync(first.Tenant, first.SellerId, first.Api));
    }

    [Fact]
    public async Task ReadsRunConcurrentlyAndEachGetsItsOwnRow()
    {
        await using var store = await OpenStoreAsync();
        var rows = Enumerable.Range(0, 40).Select(i => Connection(seller: "S" + i)).ToList();
        foreach (var row in rows)
            await store.UpsertConnectionAsync(row, Audit(seller: row.SellerId));

        var read = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() => store.GetConnectionAsync("tenant-a", "S" + (i % 40), ApiNames.SpApi))));

        for (var i = 0; i < read.Length; i++)
            AssertSameConnection(rows[i % 40], read[i]);
    }

    [Fact]
    public async Task KeptReadConnectionsDoNotHoldBackATruncatingCheckpoint()
    {
        await using var store = await OpenStoreAsync();
        var row = Connection();
        await store.UpsertConnectionAsync(row, Audit());
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.GetConnectionAsync(row.Tenant, row.SellerId, row.Api))));
        await store.DeleteConnectionsAsync(row.Tenant, row.SellerId, row.Api, Audit(action: "connection.deleted"));

        Assert.True(await store.CheckpointAsync());
        Assert.Equal(0, new FileInfo(DatabasePath + "-wal").Length);
    }

    private async Task<SqliteVaultStore> OpenStoreAsync()
    {
        var store = new SqliteVaultStore(DatabasePath);
        await store.MigrateAsync();
        return store;
    }
}
