using System.Security.Cryptography;
using Npgsql;
using Vault.Storage;
using Vault.Storage.Postgres;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

/// <summary>Wiping, rollback and concurrency across stores (as across vault instances) on one PostgreSQL database.</summary>
public sealed partial class PostgresVaultStoreTests
{
    private const int Window = 32;

    [Fact]
    public async Task ADeletedBlobLeavesTheLiveTableAtOnceAndTheHeapFileAfterARewrite()
    {
        await using var store = await CreatePostgresStoreAsync();
        var blob = RandomNumberGenerator.GetBytes(400);
        await store.UpsertConnectionAsync(Connection(seller: "KEEP"), Audit(seller: "KEEP")); // the page stays in use
        await store.UpsertConnectionAsync(Connection(blob: blob.ToArray()), Audit());
        Assert.True(await TableFilesContainAsync(blob.AsSpan(0, Window).ToArray()), "the blob should be in the heap file before the delete");

        var wiped = Assert.Single(await store.DeleteConnectionsAsync("tenant-a", "A1SELLER", null, Audit(action: "seller.deleted")));
        Assert.Equal(blob.Length, wiped.Blob.Length);
        Assert.NotEqual(blob, wiped.Blob);
        await AssertNotInLiveTableAsync(blob);

        // Plain VACUUM frees the dead versions' space but leaves their bytes in the page: only a rewrite scrubs the file.
        var oldFile = await HeapFileAsync();
        await store.RewriteConnectionsTableAsync();
        await AssertNoWindowInTableFilesAsync(blob, oldFile);
        Assert.NotNull(await store.GetConnectionAsync("tenant-a", "KEEP", ApiNames.SpApi));
    }

    [Fact]
    public async Task AReplacedBlobLeavesTheLiveTableAtOnceAndTheHeapFileAfterARewrite()
    {
        await using var store = await CreatePostgresStoreAsync();
        var blob = RandomNumberGenerator.GetBytes(400);
        await store.UpsertConnectionAsync(Connection(blob: blob.ToArray()), Audit());
        Assert.True(await TableFilesContainAsync(blob.AsSpan(0, Window).ToArray()), "the blob should be in the heap file before the rotation");

        Assert.True(await store.ReplaceBlobsAsync("tenant-a", "A1SELLER", [new(ApiNames.SpApi, blob, RandomNumberGenerator.GetBytes(300), "v1")], null));
        await AssertNotInLiveTableAsync(blob);

        var oldFile = await HeapFileAsync();
        await store.RewriteConnectionsTableAsync();
        await AssertNoWindowInTableFilesAsync(blob, oldFile);
    }

    [Fact]
    public async Task ReplacingBlobsRollsBackEverythingWhenTheSecondUpdateFails()
    {
        await using var store = await CreatePostgresStoreAsync();
        var sp = Connection();
        var ads = Connection(api: ApiNames.Ads);
        await store.UpsertConnectionAsync(sp, Audit());
        await store.UpsertConnectionAsync(ads, Audit());
        await using (var raw = await OpenRawAsync())
        {
            // The store updates in api order, ads first: fail on the second row, sp-api.
            await ExecuteAsync(raw, """
                CREATE FUNCTION fail_sp() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF OLD.api = 'sp-api' THEN RAISE EXCEPTION 'injected failure'; END IF;
                    RETURN NEW;
                END;
                $$;
                CREATE TRIGGER fail_sp BEFORE UPDATE ON connections FOR EACH ROW EXECUTE FUNCTION fail_sp();
                """);
        }

        var error = await Assert.ThrowsAsync<PostgresException>(() => store.ReplaceBlobsAsync(
            "tenant-a",
            "A1SELLER",
            [new(ApiNames.SpApi, sp.Blob, RandomNumberGenerator.GetBytes(96), "v1"), new(ApiNames.Ads, ads.Blob, RandomNumberGenerator.GetBytes(96), "v1")],
            Audit(action: "seller.rotated", api: null)));

        Assert.Contains("injected failure", error.MessageText, StringComparison.Ordinal);
        AssertSameConnection(sp, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
        AssertSameConnection(ads, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.Ads));
        Assert.DoesNotContain("seller.rotated", (await store.QueryAuditAsync("tenant-a", null, null, 10, null)).Items.Select(e => e.Action));
    }

    [Fact]
    public async Task ADuplicateOneTimeIdIsNamedNowhereInTheExceptionOrItsInnerOnes()
    {
        await using var store = await CreatePostgresStoreAsync();
        await store.CreateOneTimeAsync("state", "secret-state-value", DateTimeOffset.UtcNow.AddMinutes(10), [1]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.CreateOneTimeAsync("state", "secret-state-value", DateTimeOffset.UtcNow.AddMinutes(10), [2]));

        Assert.DoesNotContain("secret-state-value", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoStoresTakingTheSameIdAtOnceGiveExactlyOneWinnerEveryTime()
    {
        await using var first = await CreatePostgresStoreAsync();
        await using var second = await CreatePostgresStoreAsync();
        var now = DateTimeOffset.UtcNow;
        for (var round = 0; round < 30; round++)
        {
            var id = $"ticket-{round}";
            await first.CreateOneTimeAsync("ticket", id, now.AddMinutes(10), [(byte)round]);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var consumers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await (i % 2 == 0 ? first : second).TakeOneTimeAsync("ticket", id, now);
            })).ToList();
            start.SetResult();

            Assert.Equal([(byte)round], Assert.Single(await Task.WhenAll(consumers), taken => taken is not null)!);
        }
    }

    [Fact]
    public async Task ConcurrentRotationsOfOneSellerNeitherDeadlockNorBothWin()
    {
        await using var first = await CreatePostgresStoreAsync();
        await using var second = await CreatePostgresStoreAsync();
        for (var round = 0; round < 20; round++)
        {
            var seller = $"R{round:D2}";
            var sp = Connection(seller: seller);
            var ads = Connection(seller: seller, api: ApiNames.Ads);
            await first.UpsertConnectionAsync(sp, Audit(seller: seller));
            await first.UpsertConnectionAsync(ads, Audit(seller: seller));
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // Opposite orders: rows locked as listed would deadlock; the store locks them in api order.
            var one = Task.Run(async () =>
            {
                await start.Task;
                return await first.ReplaceBlobsAsync("tenant-a", seller, [new(ApiNames.SpApi, sp.Blob, NewBlob(), "v1"), new(ApiNames.Ads, ads.Blob, NewBlob(), "v1")], null);
            });
            var other = Task.Run(async () =>
            {
                await start.Task;
                return await second.ReplaceBlobsAsync("tenant-a", seller, [new(ApiNames.Ads, ads.Blob, NewBlob(), "v1"), new(ApiNames.SpApi, sp.Blob, NewBlob(), "v1")], null);
            });
            start.SetResult();

            Assert.Single(await Task.WhenAll(one, other), replaced => replaced);
        }
    }

    [Fact]
    public async Task ConcurrentFirstUpsertsOfOneConnectionReportCreatedOnce()
    {
        await using var first = await CreatePostgresStoreAsync();
        await using var second = await CreatePostgresStoreAsync();
        for (var round = 0; round < 20; round++)
        {
            var seller = $"U{round:D2}";
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await (i % 2 == 0 ? first : second).UpsertConnectionAsync(Connection(seller: seller), Audit(seller: seller));
            })).ToList();
            start.SetResult();

            var outcomes = await Task.WhenAll(writers);
            Assert.Single(outcomes, outcome => outcome.Outcome == UpsertOutcome.Created);
        }

        Assert.Equal(120, (await first.QueryAuditAsync("tenant-a", null, null, 500, null)).Items.Count);
    }

    private static byte[] NewBlob() => RandomNumberGenerator.GetBytes(96);

    private async Task AssertNotInLiveTableAsync(byte[] blob)
    {
        await using var raw = await OpenRawAsync();
        for (var start = 0; start + Window <= blob.Length; start += Window / 2)
        {
            Assert.Equal(0L, await ScalarAsync(
                raw,
                "SELECT COUNT(*) FROM connections WHERE position(@window IN blob) > 0;",
                new NpgsqlParameter("window", blob.AsSpan(start, Window).ToArray())));
        }
    }

    /// <summary>The table's heap file, relative to the data directory (it changes when the table is rewritten).</summary>
    private async Task<string> HeapFileAsync() =>
        (string)(await server.ScalarAsync("SELECT pg_relation_filepath('connections');", _schema))!;

    /// <summary>The heap file and its TOAST table's file, after a checkpoint has written every dirty page out.</summary>
    private async Task<List<string>> TableFilesAsync()
    {
        await server.ScalarAsync("CHECKPOINT;");
        var files = new List<string> { await HeapFileAsync() };
        if (await server.ScalarAsync("SELECT pg_relation_filepath(reltoastrelid) FROM pg_class WHERE oid = 'connections'::regclass;", _schema) is string toast)
        {
            files.Add(toast);
        }

        return files.Select(f => Path.Combine(server.DataDirectory, f)).ToList();
    }

    private async Task<bool> TableFilesContainAsync(byte[] needle) =>
        (await TableFilesAsync()).Any(f => File.Exists(f) && File.ReadAllBytes(f).AsSpan().IndexOf(needle) >= 0);

    private async Task AssertNoWindowInTableFilesAsync(byte[] blob, string oldHeapFile)
    {
        var current = await TableFilesAsync();
        var old = Path.Combine(server.DataDirectory, oldHeapFile); // unlinked at the checkpoint; if still there, it must be free of it too
        foreach (var file in current.Append(old).Where(File.Exists))
        {
            var bytes = File.ReadAllBytes(file);
            for (var start = 0; start + Window <= blob.Length; start++)
            {
                Assert.True(
                    bytes.AsSpan().IndexOf(blob.AsSpan(start, Window)) < 0,
                    $"bytes {start}..{start + Window} of the blob survive in {Path.GetFileName(file)}");
            }
        }

        Assert.DoesNotContain(old, current);
    }
}
