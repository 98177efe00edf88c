using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Vault.Storage;
using Vault.Storage.Sqlite;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

/// <summary>Wiping, rollback and concurrency: what the SQLite files and locks must guarantee.</summary>
public sealed partial class SqliteVaultStoreTests
{
    private const int Window = 16;

    [Fact]
    public async Task ADeletedBlobLeavesNoTraceInTheDatabaseOrTheWal()
    {
        await using var store = await CreateSqliteStoreAsync();
        var blob = RandomNumberGenerator.GetBytes(400);
        await store.UpsertConnectionAsync(Connection(blob: blob.ToArray()), Audit());
        Assert.True(await store.CheckpointAsync());
        Assert.True(DatabaseFilesContain(blob.AsSpan(0, Window)), "the blob should be in the file before the delete");

        // No checkpoint here: the store's own, after the delete, is what takes the old page images out.
        await store.DeleteConnectionsAsync("tenant-a", "A1SELLER", null, Audit(action: "seller.deleted"));

        AssertNoWindowOf(blob);
    }

    [Fact]
    public async Task ADeletedBlobStillOnlyInTheWalLeavesNoTraceOnceTheDeleteReturns()
    {
        await using var store = await CreateSqliteStoreAsync();
        var blob = RandomNumberGenerator.GetBytes(400);
        await store.UpsertConnectionAsync(Connection(blob: blob.ToArray()), Audit());
        Assert.True(DatabaseFilesContain(blob.AsSpan(0, Window)), "the blob should be in the WAL before the delete");

        await store.DeleteConnectionsAsync("tenant-a", "A1SELLER", ApiNames.SpApi, Audit(action: "connection.deleted"));

        AssertNoWindowOf(blob);
        Assert.Equal(0, new FileInfo(DatabasePath + "-wal").Length);
    }

    [Fact]
    public async Task AReplacedBlobLeavesNoTraceInTheDatabaseOrTheWal()
    {
        await using var store = await CreateSqliteStoreAsync();
        var blob = RandomNumberGenerator.GetBytes(400);
        await store.UpsertConnectionAsync(Connection(blob: blob.ToArray()), Audit());
        Assert.True(await store.CheckpointAsync());
        Assert.True(DatabaseFilesContain(blob.AsSpan(0, Window)), "the blob should be in the file before the rotation");

        Assert.True(await store.ReplaceBlobsAsync("tenant-a", "A1SELLER", [new(ApiNames.SpApi, blob, RandomNumberGenerator.GetBytes(300), "v1")], null));

        AssertNoWindowOf(blob);
    }

    [Theory]
    [InlineData("taken")]
    [InlineData("purged")]
    public async Task AOneTimePayloadLeavesNoTraceInTheDatabaseOrTheWalOnceTakenOrPurged(string how)
    {
        await using var store = await CreateSqliteStoreAsync();
        var payload = RandomNumberGenerator.GetBytes(300);
        var now = DateTimeOffset.UtcNow;
        await store.CreateOneTimeAsync("state", "pending", now.AddMinutes(10), payload.ToArray());
        Assert.True(DatabaseFilesContain(payload.AsSpan(0, Window)), "the payload should be in the WAL while pending");

        if (how == "taken")
            Assert.Equal(payload, await store.TakeOneTimeAsync("state", "pending", now));
        else
            Assert.Equal(1, await store.PurgeExpiredOneTimeAsync(now.AddMinutes(10)));

        AssertNoWindowOf(payload);
    }

    [Fact]
    public async Task ReplacingBlobsRollsBackEverythingWhenTheSecondUpdateFails()
    {
        await using var store = await CreateSqliteStoreAsync();
        var sp = Connection();
        var ads = Connection(api: ApiNames.Ads);
        await store.UpsertConnectionAsync(sp, Audit());
        await store.UpsertConnectionAsync(ads, Audit());
        using (var raw = OpenRaw())
        {
            Execute(raw, "CREATE TRIGGER fail_ads BEFORE UPDATE ON connections WHEN OLD.api = 'ads' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
        }

        var error = await Assert.ThrowsAsync<SqliteException>(() => store.ReplaceBlobsAsync(
            "tenant-a",
            "A1SELLER",
            [new(ApiNames.SpApi, sp.Blob, RandomNumberGenerator.GetBytes(96), "v1"), new(ApiNames.Ads, ads.Blob, RandomNumberGenerator.GetBytes(96), "v1")],
            Audit(action: "seller.rotated", api: null)));

        Assert.Contains("injected failure", error.Message, StringComparison.Ordinal);
        AssertSameConnection(sp, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
        AssertSameConnection(ads, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.Ads));
        Assert.DoesNotContain("seller.rotated", (await store.QueryAuditAsync("tenant-a", null, null, 10, null)).Items.Select(e => e.Action));
    }

    [Fact]
    public async Task WritersInSeveralStoresOnOneFileAllSucceed()
    {
        var stores = new List<SqliteVaultStore>();
        for (var i = 0; i < 3; i++)
        {
            stores.Add(await CreateSqliteStoreAsync());
        }

        try
        {
            var writers = Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
            {
                var store = stores[i % stores.Count];
                var seller = $"S{i:D2}";
                await store.UpsertConnectionAsync(Connection(seller: seller), Audit(seller: seller));
                await store.SetStatusAsync("tenant-a", seller, ApiNames.SpApi, ConnectionStatus.ReauthorizationRequired, Audit(seller: seller, action: "connection.revoked"));
                await store.CreateOneTimeAsync("state", seller, DateTimeOffset.UtcNow.AddMinutes(5), [1, 2, 3]);
            }));
            await Task.WhenAll(writers);

            var sellers = await stores[0].ListSellersAsync("tenant-a", 500, null);
            Assert.Equal(60, sellers.Items.Count);
            Assert.All(sellers.Items, s => Assert.Equal(ConnectionStatus.ReauthorizationRequired, s.Connections.Single().Status));
            Assert.Equal(120, (await stores[0].QueryAuditAsync("tenant-a", null, null, 500, null)).Items.Count);
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AWriterWaitsForAnotherProcessesTransactionInsteadOfFailing()
    {
        await using var store = await CreateSqliteStoreAsync();
        await store.UpsertConnectionAsync(Connection(), Audit());
        using var other = OpenRaw();
        Execute(other, "BEGIN IMMEDIATE;");
        Execute(other, "UPDATE connections SET last_used_at = 1;");

        // A deferred transaction would read a snapshot now and fail with SQLITE_BUSY_SNAPSHOT at its write.
        var upsert = Task.Run(() => store.UpsertConnectionAsync(Connection(), Audit(action: "connection.replaced")));
        await Task.Delay(300);
        Assert.False(upsert.IsCompleted);
        Execute(other, "COMMIT;");

        Assert.Equal(UpsertOutcome.Replaced, (await upsert.WaitAsync(TimeSpan.FromSeconds(10))).Outcome);
    }

    private void AssertNoWindowOf(byte[] blob)
    {
        var files = DatabaseFiles();
        Assert.Contains(files, f => f.EndsWith(".db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            var bytes = ReadShared(file);
            Assert.True(bytes.AsSpan().IndexOf(blob) < 0, $"the whole blob survives in {Path.GetFileName(file)}");
            for (var start = 0; start + Window <= blob.Length; start++)
            {
                Assert.True(
                    bytes.AsSpan().IndexOf(blob.AsSpan(start, Window)) < 0,
                    $"bytes {start}..{start + Window} of the blob survive in {Path.GetFileName(file)}");
            }
        }
    }

    private bool DatabaseFilesContain(ReadOnlySpan<byte> needle)
    {
        foreach (var file in DatabaseFiles())
        {
            if (ReadShared(file).AsSpan().IndexOf(needle) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The database, its -wal and its -shm, whichever exist.</summary>
    private string[] DatabaseFiles() =>
        Directory.GetFiles(Path.GetDirectoryName(DatabasePath)!, Path.GetFileName(DatabasePath) + "*");

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
