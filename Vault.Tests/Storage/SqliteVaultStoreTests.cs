using Microsoft.Data.Sqlite;
using Vault.Storage;
using Vault.Storage.Sqlite;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

/// <summary>The contract, run against SQLite in a fresh temporary directory per test, plus what only SQLite has.</summary>
public sealed partial class SqliteVaultStoreTests : VaultStoreContract, IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vault-store-tests", Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "data", "vault.db");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        SqliteDatabase.ClearPool(DatabasePath);
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    protected override async Task<IVaultStore> CreateStoreAsync() => await CreateSqliteStoreAsync();

    private async Task<SqliteVaultStore> CreateSqliteStoreAsync()
    {
        var store = new SqliteVaultStore(DatabasePath);
        await store.MigrateAsync();
        return store;
    }

    /// <summary>A plain connection of another client, without the store's pragmas or pool.</summary>
    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task TheMissingDirectoryOfTheDatabaseIsCreated()
    {
        Assert.False(Directory.Exists(Path.GetDirectoryName(DatabasePath)));

        await using var store = await CreateSqliteStoreAsync();

        Assert.True(File.Exists(DatabasePath));
        Assert.Equal(DatabasePath, store.FilePath);
    }

    /// <summary>What every test's cleanup does for its own database, while other tests (run in parallel) use theirs.</summary>
    [Fact]
    public async Task ClearingAnotherDatabasesPoolLeavesThisStoresConnectionsAndItsWalAlone()
    {
        await using var store = await CreateSqliteStoreAsync();
        await store.UpsertConnectionAsync(Connection(), Audit());
        var other = Path.Combine(_directory, "other", "vault.db");
        await using (var otherStore = new SqliteVaultStore(other))
        {
            await otherStore.MigrateAsync();
        }

        SqliteDatabase.ClearPool(other);

        // The store's idle pooled connection is still open: closing the last one would have checkpointed and deleted the WAL.
        Assert.True(new FileInfo(DatabasePath + "-wal").Length > 0, "the store's WAL should still hold its write");
    }

    [Fact]
    public async Task MigratingAgainIsHarmlessAndRecordsEachVersionOnce()
    {
        await using (var store = await CreateSqliteStoreAsync())
        {
            await store.UpsertConnectionAsync(Connection(), Audit());
            await store.MigrateAsync();
        }

        await using var reopened = await CreateSqliteStoreAsync();
        await reopened.MigrateAsync();

        using var raw = OpenRaw();
        Assert.Equal((long)SqliteMigrations.All.Count, Scalar(raw, "SELECT COUNT(*) FROM schema_migrations;"));
        Assert.Equal((long)SqliteMigrations.LatestVersion, Scalar(raw, "SELECT MAX(version) FROM schema_migrations;"));
        Assert.True((long)Scalar(raw, "SELECT MIN(applied_at) FROM schema_migrations;")! > 0);
        Assert.NotNull(await reopened.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
    }

    [Fact]
    public async Task ADatabaseWithANewerSchemaIsRefused()
    {
        await using (await CreateSqliteStoreAsync())
        {
        }

        using (var raw = OpenRaw())
        {
            Execute(raw, "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0);");
        }

        await using var store = new SqliteVaultStore(DatabasePath);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MigrateAsync());

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryStoreConnectionRunsWithTheRequiredPragmas()
    {
        await using var store = await CreateSqliteStoreAsync();

        for (var i = 0; i < 3; i++)
        {
            // Reopened from the pool on the second and third round.
            await using var connection = await store.OpenConnectionAsync();
            Assert.Equal("wal", Scalar(connection, "PRAGMA journal_mode;"));
            Assert.Equal(2L, Scalar(connection, "PRAGMA synchronous;"));
            Assert.Equal(1L, Scalar(connection, "PRAGMA secure_delete;"));
            Assert.Equal(1L, Scalar(connection, "PRAGMA foreign_keys;"));
            Assert.Equal(5000L, Scalar(connection, "PRAGMA busy_timeout;"));
            Assert.Equal(0L, Scalar(connection, "PRAGMA journal_size_limit;"));
        }
    }

    [Fact]
    public async Task AVersionOneDatabaseIsUpgradedAndItsOneTimeIdsWithoutPayloadGo()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        using (var raw = OpenRaw())
        {
            Execute(raw, "PRAGMA journal_mode = WAL;");
            Execute(raw, "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT;");
            Execute(raw, SqliteMigrations.All[0].Sql);
            Execute(raw, "INSERT INTO schema_migrations VALUES (1, 1);");
            Execute(raw, "INSERT INTO oauth_one_time (kind, id, expires_at, consumed_at) VALUES ('ticket', 'old', 9999999999999, NULL);");
        }

        await using var store = await CreateSqliteStoreAsync();

        Assert.Null(await store.TakeOneTimeAsync("ticket", "old", DateTimeOffset.UtcNow));
        await store.CreateOneTimeAsync("ticket", "new", DateTimeOffset.UtcNow.AddMinutes(10), [7]);
        Assert.Equal([7], await store.TakeOneTimeAsync("ticket", "new", DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task WalModeIsPersistentInTheFile()
    {
        await using (await CreateSqliteStoreAsync())
        {
        }

        using var raw = OpenRaw();

        Assert.Equal("wal", Scalar(raw, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task AuditRowsCannotBeUpdatedOrDeletedEvenWithRawSql()
    {
        await using var store = await CreateSqliteStoreAsync();
        await store.AppendAuditAsync(Audit(action: "seller.viewed"));
        using var raw = OpenRaw();

        var update = Assert.Throws<SqliteException>(() => Execute(raw, "UPDATE audit_log SET action = 'forged';"));
        var delete = Assert.Throws<SqliteException>(() => Execute(raw, "DELETE FROM audit_log;"));

        Assert.Contains("audit_log is append-only", update.Message, StringComparison.Ordinal);
        Assert.Contains("audit_log is append-only", delete.Message, StringComparison.Ordinal);
        Assert.Equal("seller.viewed", (await store.QueryAuditAsync("tenant-a", null, null, 10, null)).Items.Single().Action);
    }

    [Theory]
    [InlineData("'sp-api'", "'us'", "'active'", "'v1'")]
    [InlineData("'mws'", "'na'", "'active'", "'v1'")]
    [InlineData("'ads'", "'na'", "'paused'", "'v1'")]
    [InlineData("'ads'", "'na'", "'active'", "'v0'")]
    public async Task CheckConstraintsRejectUnknownApiRegionStatusAndFormat(string api, string region, string status, string format)
    {
        await using var store = await CreateSqliteStoreAsync();
        using var raw = OpenRaw();

        var error = Assert.Throws<SqliteException>(() => Execute(
            raw,
            "INSERT INTO connections (tenant, seller_id, api, region, selling_partner_id, status, format, blob, created_at, updated_at, last_used_at) "
            + $"VALUES ('t', 's', {api}, {region}, NULL, {status}, {format}, x'00', 0, 0, NULL);"));

        Assert.Contains("CHECK constraint failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimestampsAreStoredAsUnixMilliseconds()
    {
        await using var store = await CreateSqliteStoreAsync();
        await store.UpsertConnectionAsync(Connection(), Audit());
        using var raw = OpenRaw();

        Assert.Equal(Created.ToUnixTimeMilliseconds(), Scalar(raw, "SELECT created_at FROM connections;"));
    }

    [Fact]
    public async Task PingIsFalseWhenTheFileIsNotADatabase()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await File.WriteAllTextAsync(DatabasePath, new string('x', 8192));
        await using var store = new SqliteVaultStore(DatabasePath);

        Assert.False(await store.PingAsync());
    }
}
