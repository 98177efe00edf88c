using Microsoft.Data.Sqlite;

namespace Vault.Storage.Sqlite;

/// <summary>
/// The vault's store in one SQLite file (WAL mode). Safe to share within a process and to run
/// from several processes on the same file: every write transaction is <c>BEGIN IMMEDIATE</c>,
/// so concurrent writers queue on the busy timeout instead of failing half-way.
/// </summary>
public sealed class SqliteVaultStore : AdoVaultStore
{
    private readonly SqliteDatabase _database;
    private readonly SqlitePreparedReads _reads;

    /// <summary>Uses (or creates) the database at <paramref name="path"/>, creating its directory if missing.</summary>
    public SqliteVaultStore(string path, TimeProvider? time = null)
        : this(new SqliteDatabase(path), time)
    {
    }

    private SqliteVaultStore(SqliteDatabase database, TimeProvider? time)
        : base(new SqliteDialect(database), time)
    {
        _database = database;
        _reads = new SqlitePreparedReads(_database);
    }

    /// <summary>The absolute path of the database file.</summary>
    public string FilePath => _database.FilePath;

    public override async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default)
    {
        await SqliteMigrations.ApplyAsync(_database, Clock, ct).ConfigureAwait(false);
        return [];
    }

    /// <summary>Every proxied call reads its row here: on a kept connection with the statement already prepared.</summary>
    public override Task<Connection?> GetConnectionAsync(string tenant, string sellerId, string api, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var lease = _reads.Rent();
        Connection? row;
        try
        {
            var command = lease.Command(ConnectionSql.SelectOne, ("@tenant", tenant), ("@seller", sellerId), ("@api", api));
            using var reader = command.ExecuteReader();
            row = reader.Read() ? StoreRows.Connection(reader, UnixMilliseconds.Read) : null;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
        _reads.Return(lease);
        return Task.FromResult(row);
    }

    public override async Task<CompactResult> CompactAsync(CancellationToken ct = default) =>
        await CheckpointAsync(ct).ConfigureAwait(false)
            ? new CompactResult(true, "the WAL was checkpointed and truncated")
            : new CompactResult(false, "another process is reading the database, so the WAL was not truncated; run compact again");

    /// <summary>
    /// Copies the WAL into the database file and truncates the WAL (<c>wal_checkpoint(TRUNCATE)</c>),
    /// so wiped blobs leave no old page images behind. True when the checkpoint completed; false when
    /// a reader in another process (a backup tool, say) kept it from finishing.
    /// </summary>
    public async Task<bool> CheckpointAsync(CancellationToken ct = default)
    {
        await using var connection = await _database.OpenAsync(ct).ConfigureAwait(false);
        return await SqliteDatabase.CheckpointAsync(connection, ct).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync()
    {
        _reads.Dispose();
        _database.ClearPool();
        return ValueTask.CompletedTask;
    }

    /// <summary>A connection opened as the store opens its own, pragmas applied (for tests).</summary>
    internal Task<SqliteConnection> OpenConnectionAsync(CancellationToken ct = default) => _database.OpenAsync(ct);
}
