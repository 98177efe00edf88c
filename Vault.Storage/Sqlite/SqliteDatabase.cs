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
    private const string ConnectionPragmas = """
        PRAGMA synchronous = FULL;
        PRAGMA secure_delete = ON;
        PRAGMA foreign_keys = ON;
        PRAGMA busy_timeout = 5000;
        """;

    private readonly string _connectionString;

    /// <summary>The native handles the pragmas ran on; a handle that leaves the pool for good is collected with its entry.</summary>
    private readonly ConditionalWeakTable<sqlite3, object> _configured = new();

    public SqliteDatabase(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FilePath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();
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

    /// <summary>Closes the idle pooled handles, so the files are released when the store is disposed.</summary>
    public void ClearPool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
