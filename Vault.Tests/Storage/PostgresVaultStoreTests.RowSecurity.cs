using Npgsql;
using Vault.Storage;
using Vault.Storage.Postgres;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

/// <summary>
/// Tenant isolation in the database itself (issue 8): row-level security on every tenant table, the tenant set per
/// transaction, the vault serving as a role that owns nothing and may only read and append the audit trail.
/// Every raw query here runs as that role over its own connection, as SQL injected into the vault would.
/// </summary>
public sealed partial class PostgresVaultStoreTests
{
    /// <summary>Two tenants with one connection and one audit event each, written through the store.</summary>
    private async Task<(PostgresVaultStore Store, Connection A, Connection B)> TwoTenantsAsync()
    {
        var store = await CreatePostgresStoreAsync();
        var a = Connection(tenant: "tenant-a");
        var b = Connection(tenant: "tenant-b", seller: "B1SELLER");
        await store.UpsertConnectionAsync(a, Audit(tenant: "tenant-a"));
        await store.UpsertConnectionAsync(b, Audit(tenant: "tenant-b", seller: "B1SELLER"));
        return (store, a, b);
    }

    private async Task<NpgsqlConnection> OpenAsAppAsync()
    {
        var connection = new NpgsqlConnection(AppConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        return connection;
    }

    private static Task SetTenantAsync(NpgsqlConnection connection, string tenant) =>
        ScalarAsync(connection, "SELECT set_config('vault.tenant', @tenant, true);", new NpgsqlParameter("tenant", tenant));

    [Fact]
    public async Task WithoutATenantSetTheAppRoleSeesNoRow()
    {
        var (store, _, _) = await TwoTenantsAsync();
        await using var _store = store;
        await using (var superuser = await OpenRawAsync())
        {
            Assert.Equal(2L, await ScalarAsync(superuser, "SELECT count(*) FROM connections;"));
        }

        await using var app = await OpenAsAppAsync();
        Assert.Equal(0L, await ScalarAsync(app, "SELECT count(*) FROM connections;"));
        Assert.Equal(0L, await ScalarAsync(app, "SELECT count(*) FROM audit_log;"));
        Assert.Equal(0L, await ScalarAsync(app, "SELECT count(*) FROM connections WHERE tenant = 'tenant-a';"));

        // After a transaction that set a tenant has ended, the setting is '' rather than NULL: still no row.
        await using (var transaction = await app.BeginTransactionAsync())
        {
            await SetTenantAsync(app, "tenant-a");
            Assert.Equal(1L, await ScalarAsync(app, "SELECT count(*) FROM connections;"));
            await transaction.CommitAsync();
        }

        Assert.Equal("", await ScalarAsync(app, "SELECT current_setting('vault.tenant', true);"));
        Assert.Equal(0L, await ScalarAsync(app, "SELECT count(*) FROM connections;"));
        Assert.Equal(0, await new NpgsqlCommand("UPDATE connections SET status = 'reauthorization_required';", app).ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task WithItsTenantSetTheAppRoleCannotReadOrChangeAnotherTenantsRows()
    {
        var (store, a, b) = await TwoTenantsAsync();
        await using var _store = store;
        await using var app = await OpenAsAppAsync();
        await using var transaction = await app.BeginTransactionAsync();
        await SetTenantAsync(app, "tenant-a");

        Assert.Equal(1L, await ScalarAsync(app, "SELECT count(*) FROM connections;"));
        Assert.Equal("tenant-a", await ScalarAsync(app, "SELECT string_agg(DISTINCT tenant, ',') FROM connections;"));
        Assert.Equal(0L, await ScalarAsync(app, "SELECT count(*) FROM connections WHERE tenant = 'tenant-b' OR seller_id = 'B1SELLER';"));
        Assert.Equal(0L, await ScalarAsync(app, "SELECT count(*) FROM connections c1 JOIN connections c2 ON c2.tenant <> c1.tenant;"));
        Assert.Equal("tenant-a", await ScalarAsync(app, "SELECT string_agg(DISTINCT tenant, ',') FROM audit_log;"));
        Assert.Equal(0, await new NpgsqlCommand("UPDATE connections SET blob = '\\x00' WHERE tenant = 'tenant-b';", app).ExecuteNonQueryAsync());
        Assert.Equal(0, await new NpgsqlCommand("DELETE FROM connections WHERE tenant <> 'tenant-a';", app).ExecuteNonQueryAsync());

        // Writing a row into another tenant, by insert or by moving one, breaks the policy's WITH CHECK.
        await AssertPolicyViolationAsync(app, "INSERT INTO connections SELECT 'tenant-b', 'EVIL', api, region, NULL, status, format, blob, now(), now(), NULL FROM connections;");
        await AssertPolicyViolationAsync(app, "UPDATE connections SET tenant = 'tenant-b';");
        await AssertPolicyViolationAsync(app, "INSERT INTO audit_log (at, tenant, action, actor) VALUES (now(), 'tenant-b', 'seller.deleted', 'mallory');");
        await transaction.RollbackAsync();

        AssertSameConnection(b, await store.GetConnectionAsync("tenant-b", b.SellerId, b.Api));
        AssertSameConnection(a, await store.GetConnectionAsync("tenant-a", a.SellerId, a.Api));
        Assert.Single((await store.QueryAuditAsync("tenant-b", null, null, 10, null)).Items);
    }

    private static async Task AssertPolicyViolationAsync(NpgsqlConnection app, string sql)
    {
        await ExecuteAsync(app, "SAVEPOINT probe;");
        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(app, sql));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains("row-level security", error.MessageText, StringComparison.Ordinal);
        await ExecuteAsync(app, "ROLLBACK TO SAVEPOINT probe;");
    }

    [Theory]
    [InlineData("UPDATE audit_log SET actor = 'mallory';", "permission denied")]
    [InlineData("DELETE FROM audit_log;", "permission denied")]
    [InlineData("TRUNCATE audit_log;", "permission denied")]
    [InlineData("TRUNCATE connections;", "permission denied")]
    [InlineData("ALTER TABLE connections DISABLE ROW LEVEL SECURITY;", "must be owner")]
    [InlineData("ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY;", "must be owner")]
    [InlineData("DROP POLICY tenant_isolation ON connections;", "must be owner")]
    [InlineData("DROP TRIGGER audit_log_no_delete ON audit_log;", "must be owner")]
    [InlineData("CREATE TABLE stolen AS SELECT 1;", "permission denied")]
    [InlineData("SET row_security = off; SELECT count(*) FROM connections;", "row-level security")]
    public async Task TheAppRoleCannotChangeTheAuditTrailOrStepAroundThePolicies(string sql, string refusal)
    {
        var (store, _, _) = await TwoTenantsAsync();
        await using var _store = store;
        await using var app = await OpenAsAppAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(app, sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        Assert.Contains(refusal, error.MessageText, StringComparison.Ordinal);
        Assert.Single((await store.QueryAuditAsync("tenant-a", null, null, 10, null)).Items);
        Assert.NotNull(await store.GetConnectionAsync("tenant-b", "B1SELLER", ApiNames.SpApi));
    }

    [Fact]
    public async Task AnAuditGrantAddedByHandIsReportedAndTakenBackByTheNextMigration()
    {
        await using (var store = await CreatePostgresStoreAsync())
        {
            Assert.Empty(await store.MigrateAsync());
        }

        await server.ScalarAsync($"GRANT UPDATE, DELETE ON audit_log TO {PostgresServer.AppRole};", _schema);
        await using (var servingOnly = new PostgresVaultStore(AppConnectionString))
        {
            Assert.Contains(await servingOnly.MigrateAsync(), w => w.Contains("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log", StringComparison.Ordinal));
        }

        await using var migrated = await CreatePostgresStoreAsync();
        Assert.Empty(await migrated.MigrateAsync());
        await using var app = await OpenAsAppAsync();
        Assert.Equal(false, await ScalarAsync(app, "SELECT has_table_privilege('audit_log', 'UPDATE') OR has_table_privilege('audit_log', 'DELETE');"));
    }

    /// <summary>
    /// PostgresRoles names each table's grants by hand, and each tenant table's migration turns its policy on by hand: this
    /// is the check that a new table did not miss either.
    /// </summary>
    [Fact]
    public async Task EveryTableIsGrantedToTheServingRoleAndEveryTableWithATenantIsUnderForcedPolicies()
    {
        await using var store = await CreatePostgresStoreAsync();
        await using var owner = new NpgsqlConnection(OwnerConnectionString + ";Pooling=false");
        await owner.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT c.relname::text, has_table_privilege(@role, c.oid, 'SELECT'), c.relrowsecurity AND c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant' AND NOT a.attisdropped)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r';
            """, owner);
        command.Parameters.AddWithValue("role", PostgresServer.AppRole);
        var tables = new List<(string Name, bool Granted, bool Forced, bool HasTenant)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                tables.Add((reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3)));
        }

        Assert.Contains(tables, t => t.Name == "connections");
        Assert.Contains(tables, t => t.Name == "events");
        Assert.Empty(tables.Where(t => !t.Granted).Select(t => t.Name));
        Assert.Empty(tables.Where(t => t.HasTenant && !t.Forced).Select(t => t.Name));
    }

    [Fact]
    public async Task AServingRoleThatBypassesThePoliciesIsRefused()
    {
        await using (var asSuperuser = new PostgresVaultStore(server.ConnectionString(_schema), OwnerConnectionString))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => asSuperuser.MigrateAsync());
            Assert.Contains("superuser", error.Message, StringComparison.Ordinal);
        }

        var bypass = "bypass_" + Guid.NewGuid().ToString("N")[..8];
        await server.ScalarAsync($"CREATE ROLE {bypass} LOGIN BYPASSRLS PASSWORD 'hunter2-never-shown';");
        await using var asBypass = new PostgresVaultStore(
            server.ConnectionString(_schema, user: bypass) + ";Password=hunter2-never-shown", OwnerConnectionString);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => asBypass.MigrateAsync());

        Assert.Contains("BYPASSRLS", refused.Message, StringComparison.Ordinal);
        Assert.Contains(bypass, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServingAsTheOwnerWorksWithThePoliciesForcedButWarns()
    {
        await using var store = new PostgresVaultStore(OwnerConnectionString);
        var warnings = await store.MigrateAsync();
        await store.UpsertConnectionAsync(Connection(), Audit());

        Assert.Contains(warnings, w => w.Contains("owns its tables", StringComparison.Ordinal) && w.Contains("VAULT_DATABASE_OWNER", StringComparison.Ordinal));
        await using var owner = new NpgsqlConnection(OwnerConnectionString + ";Pooling=false");
        await owner.OpenAsync();
        Assert.Equal(0L, await ScalarAsync(owner, "SELECT count(*) FROM connections;"));
        Assert.NotNull(await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
    }

    [Fact]
    public async Task TheServingRoleAloneStartsOnAMigratedDatabaseButCannotCreateOne()
    {
        await using (var empty = new PostgresVaultStore(AppConnectionString))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => empty.MigrateAsync());
            // The role may not use the owner's schema, so PostgreSQL finds no schema to create in (3F000).
            Assert.Contains("VAULT_DATABASE_OWNER", error.Message, StringComparison.Ordinal);
            Assert.Matches("42501|3F000", error.Message);
        }

        await using (await CreatePostgresStoreAsync())
        {
        }

        await using var serving = new PostgresVaultStore(AppConnectionString);
        Assert.Empty(await serving.MigrateAsync());
        await serving.UpsertConnectionAsync(Connection(), Audit());
        Assert.NotNull(await serving.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
    }

    [Fact]
    public async Task EveryTenantTransactionAndReadHasTimeoutsThatEndWithIt()
    {
        await using var store = await CreatePostgresStoreAsync();
        await using var session = await store.OpenConnectionAsync();
        var pid = await ScalarAsync(session, "SELECT pg_backend_pid();");
        Assert.Equal("0", await ScalarAsync(session, "SHOW statement_timeout;"));
        await session.DisposeAsync(); // back to the pool: the tenant transaction below gets this same physical connection

        await using (var scope = await store.BeginTenantAsync("tenant-a", default))
        {
            Assert.Equal(pid, await ScalarAsync(scope.Connection, "SELECT pg_backend_pid();"));
            Assert.Equal("10s", await ScalarAsync(scope.Connection, "SHOW statement_timeout;"));
            Assert.Equal("30s", await ScalarAsync(scope.Connection, "SHOW idle_in_transaction_session_timeout;"));
            Assert.Equal("tenant-a", await ScalarAsync(scope.Connection, "SELECT current_setting('vault.tenant');"));
            await scope.CommitAsync(default);
        }

        // A read sets the tenant in a one-round-trip batch (an implicit transaction): it must not outlive the batch either.
        await store.UpsertConnectionAsync(Connection(), Audit());
        Assert.NotNull(await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
        Assert.Null(await store.GetConnectionAsync("tenant-b", "A1SELLER", ApiNames.SpApi));

        await using var after = await store.OpenConnectionAsync();
        Assert.Equal(pid, await ScalarAsync(after, "SELECT pg_backend_pid();"));
        Assert.Equal("0", await ScalarAsync(after, "SHOW statement_timeout;"));
        Assert.Equal("", await ScalarAsync(after, "SELECT current_setting('vault.tenant', true);"));
    }
}
