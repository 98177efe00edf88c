using Microsoft.Data.Sqlite;

namespace Vault.Storage.Sqlite;

/// <summary>
/// The vault's store in one SQLite file (WAL mode). Safe to share within a process and to run
/// from several processes on the same file: every write transaction is <c>BEGIN IMMEDIATE</c>,
/// so concurrent writers queue on the busy timeout instead of failing half-way.
/// </summary>
public sealed partial class SqliteVaultStore : IVaultStore
{
    private readonly SqliteDatabase _database;
    private readonly SqlitePreparedReads _reads;

    /// <summary>Uses (or creates) the database at <paramref name="path"/>, creating its directory if missing.</summary>
    public SqliteVaultStore(string path)
    {
        _database = new SqliteDatabase(path);
        _reads = new SqlitePreparedReads(_database);
    }

    /// <summary>The absolute path of the database file.</summary>
    public string FilePath => _database.FilePath;

    public Task MigrateAsync(CancellationToken ct = default) => SqliteMigrations.ApplyAsync(_database, ct);

    public async Task<bool> PingAsync(CancellationToken ct = default)
    {
        try
        {
            await using var connection = await _database.OpenAsync(ct).ConfigureAwait(false);
            return await connection.ScalarAsync("SELECT 1;", ct).ConfigureAwait(false) is 1L;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>
    /// Copies the WAL into the database file and truncates the WAL (<c>wal_checkpoint(TRUNCATE)</c>),
    /// so wiped blobs leave no old page images behind. For tests and shutdown. True when the checkpoint
    /// completed; false when a reader in another process (a backup tool, say) kept it from finishing.
    /// </summary>
    public async Task<bool> CheckpointAsync(CancellationToken ct = default)
    {
        await using var connection = await _database.OpenAsync(ct).ConfigureAwait(false);
        return await SqliteDatabase.CheckpointAsync(connection, ct).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _reads.Dispose();
        _database.ClearPool();
        return ValueTask.CompletedTask;
    }

    /// <summary>A connection opened as the store opens its own, pragmas applied (for tests).</summary>
    internal Task<SqliteConnection> OpenConnectionAsync(CancellationToken ct = default) => _database.OpenAsync(ct);

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
