using Microsoft.Data.Sqlite;
using SQLitePCL;
using Vault.Storage.Sqlite;

namespace Vault.Tests.Storage;

/// <summary>
/// Each connection the store keeps open (up to 16 prepared-read leases, and the pool) has a page cache of its own, in
/// native memory. SQLite's default lets each grow to 2 MB, so with a database larger than that (~10,000 connections)
/// the kept connections alone held tens of MiB: most of what issue 18's bench counted as RSS "per warm seller".
/// </summary>
public sealed class SqlitePageCacheTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vault-store-tests", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AStoreConnectionThatReadsTheWholeDatabaseCachesAtMostAQuarterMegabyteOfIt()
    {
        await using var store = new SqliteVaultStore(Path.Combine(_directory, "vault.db"));
        await store.MigrateAsync();
        await using var connection = await store.OpenConnectionAsync();
        Execute(connection, """
            CREATE TABLE filler (x BLOB);
            BEGIN;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO filler SELECT randomblob(3000) FROM n;
            COMMIT;
            """);

        Execute(connection, "SELECT sum(length(x)) FROM filler;"); // ~3 MB of pages, through this connection's cache

        Assert.Equal(raw.SQLITE_OK, raw.sqlite3_db_status(connection.Handle, raw.SQLITE_DBSTATUS_CACHE_USED, out var cached, out _, 0));
        Assert.InRange(cached, 1, 320 * 1024); // 256 KiB of pages, and the cache's own headers
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
