using Npgsql;

namespace Vault.Storage.Postgres;

/// <summary>
/// The vault's store in PostgreSQL, for several vault instances over one database. Same tables, constraints,
/// semantics and logic (<see cref="AdoVaultStore"/>) as <see cref="Sqlite.SqliteVaultStore"/>: every write that must be atomic is one transaction
/// (READ COMMITTED, with row locks taken in a fixed order or compare-and-swap updates, never in-process locks),
/// every query is scoped by tenant and parameterised, and every transaction on a tenant table sets the tenant
/// for the row-level security policies (<see cref="TenantTransaction"/>), so the database itself keeps tenants apart.
/// <para>
/// Two roles: the vault serves as the role of <c>VAULT_DATABASE</c>, which should not own the tables (then it
/// can neither switch the policies off nor edit the audit trail), and migrates as the owner role of
/// <c>VAULT_DATABASE_OWNER</c> when one is given, granting the serving role exactly what it uses
/// (<see cref="PostgresRoles"/>). Connection strings hold passwords: they are handed to Npgsql and kept
/// nowhere else, and <see cref="Description"/> (database, host, port) is what messages name.
/// </para>
/// </summary>
public sealed partial class PostgresVaultStore : AdoVaultStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource? _ownerDataSource;

    /// <summary>
    /// A store over the database named by <paramref name="connectionString"/> (Npgsql's key/value form or a
    /// <c>postgres://</c> URI), migrated through <paramref name="ownerConnectionString"/> when given. Nothing
    /// connects until the first call.
    /// </summary>
    public PostgresVaultStore(string connectionString, string? ownerConnectionString = null, TimeProvider? time = null)
        : this(new NpgsqlDataSourceBuilder(PostgresConnectionString.Parse(connectionString).ConnectionString).Build(), ownerConnectionString, time)
    {
        Description = PostgresConnectionString.Describe(connectionString);
    }

    private PostgresVaultStore(NpgsqlDataSource dataSource, string? ownerConnectionString, TimeProvider? time)
        : base(new PostgresDialect(dataSource), time)
    {
        _dataSource = dataSource;
        if (ownerConnectionString is not null)
        {
            _ownerDataSource = new NpgsqlDataSourceBuilder(PostgresConnectionString.Parse(ownerConnectionString).ConnectionString).Build();
        }
    }

    /// <summary>The database, host and port, for messages; never the password.</summary>
    public string Description { get; } = "";

    /// <summary>
    /// Applies pending migrations (as the owner when one was given, then grants the serving role its privileges),
    /// then checks the serving role: a superuser or a BYPASSRLS role is refused, because the row-level security
    /// policies would not apply to it. Returns what it found weak in the serving role's privileges, one line each.
    /// </summary>
    public override async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        try
        {
            var migrator = _ownerDataSource ?? _dataSource;
            await PostgresMigrations.ApplyAsync(migrator, Description, Clock, ct).ConfigureAwait(false);
            if (_ownerDataSource is not null)
            {
                await PostgresRoles.GrantServingRoleAsync(_ownerDataSource, _dataSource, ct).ConfigureAwait(false);
            }

            return await PostgresRoles.CheckServingRoleAsync(_dataSource, ownerConfigured: _ownerDataSource is not null, ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.InvalidSchemaName)
        {
            throw new InvalidOperationException(
                $"Could not migrate the PostgreSQL database {Description}: {e.MessageText} ({e.SqlState}). Run `migrate` with VAULT_DATABASE_OWNER " +
                "set to the role that owns (or may create) the vault's tables (README, \"Running with PostgreSQL\").",
                e);
        }
        catch (NpgsqlException e)
        {
            // Npgsql's messages name the host or the failing statement, not the password.
            throw new InvalidOperationException($"Could not migrate the PostgreSQL database {Description}: {e.Message}", e);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        if (_ownerDataSource is not null)
        {
            await _ownerDataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal Task<TenantTransaction> BeginTenantAsync(string tenant, CancellationToken ct) => TenantTransaction.BeginAsync(_dataSource, tenant, ct);

    /// <summary>A connection from the store's own pool (for tests).</summary>
    internal ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct = default) => _dataSource.OpenConnectionAsync(ct);
}
