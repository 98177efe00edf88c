using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Vault.Storage.Sqlite;

/// <summary>The database file, and how every connection to it is opened.</summary>
internal sealed class SqliteDatabase
{
    // Per-connection settings, applied once to each physical connection: a pooled handle keeps them, and running
    // them on every open was measured at a tenth of the proxy's warm path (four statements parsed per request).
    // synchronous=FULL: in WAL mode NORMAL may lose the last commits on power loss, and an acknowledged
    // token write must survive. secure_delete=ON: freed cells and pages are zeroed, so a deleted or
    // replaced blob does not linger in the file. busy_timeout: writers from other processes wait.
    // journal_size_limit=0: when the WAL restarts after a checkpoint, its first commit cuts the file to that commit's
    // frames, so stale page images (old blobs among them) do not survive a restart in the rest of the file, and the
    // WAL does not keep the size of its largest burst for good.
    // cache_size=-256 (KiB): each connection's page cache is its own, in native memory, and the store keeps up to 16
    // read connections open besides the pool; at SQLite's default of 2 MB each, a database of 10,000 connections filled
    // them all (issue 18's bench: ~30 MiB). 256 KiB holds the tables' interior pages; a leaf page missed is read from
    // the OS's file cache.
    private const string ConnectionPragmas = """
        PRAGMA synchronous = FULL;
        PRAGMA secure_delete = ON;
        PRAGMA foreign_keys = ON;
        PRAGMA busy_timeout = 5000;
        PRAGMA journal_size_limit = 0;
        PRAGMA cache_size = -256;
        """;

    private const int BusyTimeoutMilliseconds = 5000;

    /// <summary>
    /// How long a best-effort WAL truncation waits for readers and writers before it gives up. Short, because the
    /// caller's request waits too, and because under Litestream (which holds a read transaction all the time) it
    /// always gives up: see docs/RELIABILITY.md, "Deleted bytes and the WAL".
    /// </summary>
    private const int TruncationWaitMilliseconds = 100;

    private readonly string _connectionString;

    /// <summary>The native handles the pragmas ran on; a handle that leaves the pool for good is collected with its entry.</summary>
    private readonly ConditionalWeakTable<sqlite3, object> _configured = new();

    public SqliteDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FilePath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        _connectionString = ConnectionString(FilePath);
    }

    public string FilePath { get; }

    /// <summary>
    /// <see cref="Open"/> for async callers. Microsoft.Data.Sqlite opens and runs statements synchronously whatever
    /// the method's name, so this adds nothing but the cancellation check.
    /// </summary>
    public Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(Open());
    }

    /// <summary>A pooled connection, its pragmas run when its physical connection is new.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            var handle = connection.Handle!;
            if (!_configured.TryGetValue(handle, out _))
            {
                using var command = connection.CreateCommand();
                command.CommandText = ConnectionPragmas;
                command.ExecuteNonQuery();
                _configured.AddOrUpdate(handle, handle);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <c>wal_checkpoint(TRUNCATE)</c> on <paramref name="connection"/> (outside any transaction), waiting at most
    /// <see cref="TruncationWaitMilliseconds"/>: copies the WAL into the database file and cuts the WAL to zero bytes, so
    /// page images from before a delete or a replacement leave both files. True when it completed; false when a
    /// reader or writer (another process, Litestream) kept it from finishing: the bytes then leave at the next
    /// checkpoint that completes and the WAL restart after it (journal_size_limit).
    /// </summary>
    public static async Task<bool> TryTruncateWalAsync(SqliteConnection connection, CancellationToken ct)
    {
        try
        {
            await connection.ExecuteAsync($"PRAGMA busy_timeout = {TruncationWaitMilliseconds};", ct).ConfigureAwait(false);
            return await CheckpointAsync(connection, ct).ConfigureAwait(false);
        }
        catch (SqliteException)
        {
            // Best effort: the write it follows has committed; failing it now would report a done delete as failed.
            return false;
        }
        finally
        {
            await connection.ExecuteAsync($"PRAGMA busy_timeout = {BusyTimeoutMilliseconds};", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary><c>wal_checkpoint(TRUNCATE)</c> with the connection's own busy timeout; true when it completed.</summary>
    public static async Task<bool> CheckpointAsync(SqliteConnection connection, CancellationToken ct)
    {
        using var command = connection.Command("PRAGMA wal_checkpoint(TRUNCATE);");
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await reader.ReadAsync(ct).ConfigureAwait(false) && reader.GetInt64(0) == 0;
    }

    /// <summary>Closes the idle pooled handles, so the files are released when the store is disposed.</summary>
    public void ClearPool() => ClearPoolOf(_connectionString);

    /// <summary>
    /// Closes this process's idle pooled handles to the database at <paramref name="path"/> and no other: the pools are
    /// keyed by connection string, and <c>SqliteConnection.ClearAllPools</c> would close every other database's too (the
    /// last connection to a file closing checkpoints its WAL and deletes it, under whoever else is using that file).
    /// </summary>
    public static void ClearPool(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ClearPoolOf(ConnectionString(Path.GetFullPath(path)));
    }

    private static void ClearPoolOf(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private static string ConnectionString(string fullPath) => new SqliteConnectionStringBuilder
    {
        DataSource = fullPath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
    }.ToString();
}
