using Npgsql;
using Vault.Storage;
using Vault.Storage.Postgres;
using Vault.Storage.Sqlite;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

/// <summary>
/// The contract, run against a real PostgreSQL server (one per test class, see <see cref="PostgresServer"/>)
/// in a fresh schema per test, plus what only PostgreSQL has: the migration lock, the triggers, the
/// constraints, concurrency across stores and what stays in the table's files.
/// </summary>
[Trait("Category", "Slow")] // starts a PostgreSQL server
public sealed partial class PostgresVaultStoreTests(PostgresServer server) : VaultStoreContract, IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly string _schema = "test_" + Guid.NewGuid().ToString("N");

    public async Task InitializeAsync() => await server.CreateSchemaAsync(_schema);

    public Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        return Task.CompletedTask;
    }

    protected override async Task<IVaultStore> CreateStoreAsync() => await CreatePostgresStoreAsync();

    private async Task<PostgresVaultStore> CreatePostgresStoreAsync()
    {
        var store = NewStore();
        await store.MigrateAsync();
        return store;
    }

    /// <summary>A store over this test's schema, not yet migrated: serving as the app role, migrating as the owner.</summary>
    private PostgresVaultStore NewStore() => new(AppConnectionString, OwnerConnectionString);

    private string AppConnectionString => server.ConnectionString(_schema, user: PostgresServer.AppRole);

    private string OwnerConnectionString => server.ConnectionString(_schema, user: PostgresServer.OwnerRole);

    /// <summary>A plain connection of another client as the superuser (no row-level security), in this test's schema, without the store's pool.</summary>
    private async Task<NpgsqlConnection> OpenRawAsync()
    {
        var connection = new NpgsqlConnection(server.ConnectionString(_schema) + ";Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteScalarAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task AVersionTwoDatabaseIsUpgradedAndItsOneTimeIdsWithoutPayloadGo()
    {
        await using (var owner = new NpgsqlConnection(OwnerConnectionString + ";Pooling=false"))
        {
            await owner.OpenAsync();
            await ExecuteAsync(owner, "CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL);");
            await ExecuteAsync(owner, PostgresMigrations.All[0].Sql);
            await ExecuteAsync(owner, PostgresMigrations.All[1].Sql);
            await ExecuteAsync(owner, "INSERT INTO schema_migrations VALUES (1, now()), (2, now());");
            await ExecuteAsync(owner, "INSERT INTO oauth_one_time (kind, id, expires_at, consumed_at) VALUES ('ticket', 'old', now() + interval '1 hour', NULL);");
        }

        await using var store = await CreatePostgresStoreAsync();

        Assert.Null(await store.TakeOneTimeAsync("ticket", "old", DateTimeOffset.UtcNow));
        await store.CreateOneTimeAsync("ticket", "new", DateTimeOffset.UtcNow.AddMinutes(10), [7]);
        Assert.Equal([7], await store.TakeOneTimeAsync("ticket", "new", DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task MigratingAgainIsHarmlessAndRecordsEachVersionOnce()
    {
        await using (var store = await CreatePostgresStoreAsync())
        {
            await store.UpsertConnectionAsync(Connection(), Audit());
            await store.MigrateAsync();
        }

        await using var reopened = await CreatePostgresStoreAsync();
        await reopened.MigrateAsync();

        await using var raw = await OpenRawAsync();
        Assert.Equal((long)PostgresMigrations.All.Count, await ScalarAsync(raw, "SELECT COUNT(*) FROM schema_migrations;"));
        Assert.Equal(PostgresMigrations.LatestVersion, await ScalarAsync(raw, "SELECT MAX(version) FROM schema_migrations;"));
        Assert.NotNull(await reopened.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
    }

    [Fact]
    public async Task StoresMigratingAtTheSameMomentApplyEachVersionOnce()
    {
        // Without the advisory lock, concurrent CREATE TABLEs fail with "already exists" or a unique violation.
        var stores = Enumerable.Range(0, 6).Select(_ => NewStore()).ToList();
        try
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var migrations = stores.Select(store => Task.Run(async () =>
            {
                await start.Task;
                await store.MigrateAsync();
            })).ToList();
            start.SetResult();
            await Task.WhenAll(migrations);

            await using var raw = await OpenRawAsync();
            Assert.Equal((long)PostgresMigrations.All.Count, await ScalarAsync(raw, "SELECT COUNT(*) FROM schema_migrations;"));
            Assert.All(await Task.WhenAll(stores.Select(s => s.PingAsync())), Assert.True);
            await stores[^1].UpsertConnectionAsync(Connection(), Audit());
            Assert.NotNull(await stores[0].GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
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
    public async Task ADatabaseWithANewerSchemaIsRefused()
    {
        await using (await CreatePostgresStoreAsync())
        {
        }

        await using (var raw = await OpenRawAsync())
        {
            await ExecuteAsync(raw, "INSERT INTO schema_migrations (version, applied_at) VALUES (999, now());");
        }

        await using var store = NewStore();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MigrateAsync());

        Assert.Contains("999", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSqliteRunnerDoesNotPickUpThePostgresScripts()
    {
        Assert.NotEmpty(PostgresMigrations.All);
        Assert.All(PostgresMigrations.All, m => Assert.StartsWith("Vault.Storage.Migrations.Postgres.", m.Name, StringComparison.Ordinal));
        Assert.NotEmpty(SqliteMigrations.All);
        Assert.All(SqliteMigrations.All, m => Assert.DoesNotContain("Postgres", m.Name, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("UPDATE audit_log SET actor = 'mallory';")]
    [InlineData("UPDATE audit_log SET actor = 'mallory' WHERE false;")]
    [InlineData("DELETE FROM audit_log;")]
    [InlineData("TRUNCATE audit_log;")]
    public async Task AuditRowsCannotBeChangedEvenWithRawSql(string sql)
    {
        await using var store = await CreatePostgresStoreAsync();
        await store.UpsertConnectionAsync(Connection(), Audit());
        await using var raw = await OpenRawAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(raw, sql));

        Assert.Contains("audit_log is append-only", error.MessageText, StringComparison.Ordinal);
        var audit = Assert.Single((await store.QueryAuditAsync("tenant-a", null, null, 10, null)).Items);
        Assert.Equal("operator:alice", audit.Actor);
    }

    [Theory]
    [InlineData("'sp-api'", "'us'", "'active'", "'v1'")]
    [InlineData("'mws'", "'na'", "'active'", "'v1'")]
    [InlineData("'ads'", "'na'", "'paused'", "'v1'")]
    [InlineData("'ads'", "'na'", "'active'", "'v0'")]
    public async Task CheckConstraintsRejectUnknownApiRegionStatusAndFormat(string api, string region, string status, string format)
    {
        await using var store = await CreatePostgresStoreAsync();
        await using var raw = await OpenRawAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(
            raw,
            $"INSERT INTO connections VALUES ('t', 's', {api}, {region}, NULL, {status}, {format}, '\\x00', now(), now(), NULL);"));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }

    [Fact]
    public async Task TimestampsAreTimestamptzTruncatedToTheMillisecond()
    {
        await using var store = await CreatePostgresStoreAsync();
        var created = Created.AddTicks(4321); // 0.4321 ms more: dropped, as SQLite does
        await store.UpsertConnectionAsync(Connection() with { CreatedAt = created }, Audit());
        await using var raw = await OpenRawAsync();

        Assert.Equal("timestamp with time zone", await ScalarAsync(raw, "SELECT data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'connections' AND column_name = 'created_at';"));
        Assert.Equal(Created.ToUnixTimeMilliseconds(), Convert.ToInt64(await ScalarAsync(raw, "SELECT (extract(epoch FROM created_at) * 1000)::bigint FROM connections;")));
        Assert.Equal(Created.UtcTicks, (await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi))!.CreatedAt.UtcTicks);
    }

    [Fact]
    public async Task SellersAreOrderedBytewiseWhateverTheDatabaseLocale()
    {
        await using (var raw = await OpenRawAsync())
        {
            // The database's own default sorts 'a' before 'B' (linguistic); bytewise, 'B' (0x42) comes first.
            Assert.True((bool)(await ScalarAsync(raw, "SELECT 'a' < 'B';"))!, "the test database should sort linguistically, or this test proves nothing");
        }

        await using var store = await CreatePostgresStoreAsync();
        string[] sellers = ["b", "B", "_x", "a-1", "a1", "é", "Z", "10", "9"];
        foreach (var seller in sellers)
        {
            await store.UpsertConnectionAsync(Connection(seller: seller), Audit(seller: seller));
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await store.ListSellersAsync("tenant-a", 2, cursor);
            seen.AddRange(page.Items.Select(s => s.SellerId));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(sellers.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task PingIsFalseWhenTheServerCannotBeReached()
    {
        await using var store = new PostgresVaultStore($"Host=127.0.0.1;Port={ClosedPort()};Username=vault;Password=hunter2-never-shown;Timeout=3");

        Assert.False(await store.PingAsync());
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => store.MigrateAsync());
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFactoryOpensPostgresForAKeyValueStringOrAUri()
    {
        await using (var fromKeys = VaultStoreFactory.Create(AppConnectionString, OwnerConnectionString))
        {
            Assert.IsType<PostgresVaultStore>(fromKeys);
            await fromKeys.MigrateAsync();
            await fromKeys.UpsertConnectionAsync(Connection(), Audit());
        }

        var uri = $"postgresql://{PostgresServer.AppRole}:any-password@127.0.0.1:{server.Port}/{PostgresServer.Database}?options=-c%20search_path%3D{_schema}&application_name=vault-test";
        await using var fromUri = VaultStoreFactory.Create(uri);

        Assert.IsType<PostgresVaultStore>(fromUri);
        Assert.NotNull(await fromUri.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
