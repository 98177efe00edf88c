using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Vault.Storage.Sqlite;

/// <summary>
/// Open connections that keep the hot read's statement prepared. Microsoft.Data.Sqlite finalizes a command's
/// statements when its connection closes, so the pooled open/prepare/close of every proxied call parsed and planned
/// the same SELECT each time (a tenth of the vault's CPU per call, measured). A lease serves one caller at a time and
/// holds no transaction between uses: each statement runs in autocommit and is reset when its reader is disposed.
/// </summary>
internal sealed class SqlitePreparedReads(SqliteDatabase database) : IDisposable
{
    // Idle connections kept beyond this are closed; reads are synchronous, so about one per busy thread is in use.
    private const int MaxIdle = 16;

    private readonly ConcurrentBag<Lease> _idle = [];
    private volatile bool _disposed;

    public sealed class Lease(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public SqliteConnection Connection { get; } = connection;

        /// <summary>The command for <paramref name="sql"/>, prepared on this connection's first use of it, with its values bound.</summary>
        public SqliteCommand Command(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = Connection.CreateCommand();
                command.CommandText = sql;
                foreach (var (name, _) in parameters)
                    command.Parameters.Add(new SqliteParameter { ParameterName = name });
                command.Prepare();
                _commands.Add(sql, command);
            }
            for (var i = 0; i < parameters.Length; i++)
                command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
                command.Dispose();
            Connection.Dispose();
        }
    }

    public Lease Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _idle.TryTake(out var lease) ? lease : new Lease(database.Open());
    }

    /// <summary>Gives a lease back after a clean use; after a failure, dispose it instead.</summary>
    public void Return(Lease lease)
    {
        if (_disposed || _idle.Count >= MaxIdle || lease.Connection.State != System.Data.ConnectionState.Open)
        {
            lease.Dispose();
            return;
        }
        _idle.Add(lease);
        if (_disposed)
            Drain();
    }

    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        while (_idle.TryTake(out var lease))
            lease.Dispose();
    }
}
