using Npgsql;

namespace Vault.Storage.Postgres;

/// <summary>
/// The vault's store in PostgreSQL, for several vault instances over one database. Same tables, constraints
/// and semantics as <see cref="Sqlite.SqliteVaultStore"/>: every write that must be atomic is one transaction
/// (READ COMMITTED, with row locks taken in a fixed order), every query is scoped by tenant and parameterised.
/// The connection string holds a password: it is handed to Npgsql and kept nowhere else, and
/// <see cref="Description"/> (database, host, port) is what messages name.
/// </summary>
public sealed partial class PostgresVaultStore : IVaultStore
{
    private readonly NpgsqlDataSource _dataSource;

    /// <summary>
    /// A store over the database named by <paramref name="connectionString"/>: Npgsql's key/value form or a
    /// <c>postgres://</c> URI. Nothing connects until the first call.
    /// </summary>
    public PostgresVaultStore(string connectionString)
    {
        var builder = PostgresConnectionString.Parse(connectionString);
        Description = PostgresConnectionString.Describe(connectionString);
        _dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    /// <summary>The database, host and port, for messages; never the password.</summary>
    public string Description { get; }

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        try
        {
            await PostgresMigrations.ApplyAsync(_dataSource, Description, ct).ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            // Npgsql's messages name the host or the failing statement, not the password.
            throw new InvalidOperationException($"Could not migrate the PostgreSQL database {Description}: {e.Message}", e);
        }
    }

    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await connection.ScalarAsync("SELECT 1;", ct).ConfigureAwait(false) is 1;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>A connection from the store's own pool (for tests).</summary>
    internal ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken ct = default) => _dataSource.OpenConnectionAsync(ct);

    private static void RequireSameTenant(string tenant, AuditEvent? audit)
    {
        if (audit is not null && !string.Equals(audit.Tenant, tenant, StringComparison.Ordinal))
        {
            throw new ArgumentException("The audit event must belong to the tenant whose data it describes.", nameof(audit));
        }
    }

    /// <summary>The event's own time when the caller set one; otherwise now.</summary>
    private static DateTimeOffset TimeOf(AuditEvent? audit) =>
        audit is not null && audit.At != default ? audit.At : DateTimeOffset.UtcNow;
}
