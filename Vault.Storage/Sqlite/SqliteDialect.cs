using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Vault.Storage.Sqlite;

/// <summary>
/// SQLite under <see cref="AdoVaultStore"/>: timestamps as unix milliseconds, write transactions <c>BEGIN IMMEDIATE</c>
/// (concurrent writers from several processes queue on the busy timeout instead of failing half-way), no row locks
/// (the write lock covers the file), and a best-effort WAL truncation after a blob is deleted or replaced.
/// </summary>
internal sealed class SqliteDialect(SqliteDatabase database) : StoreDialect
{
    private const int SqliteConstraint = 19;

    public override string LockRows => "";

    public override DbParameter Text(string name, string? value) => Parameter(name, SqliteType.Text, value);

    public override DbParameter Bytes(string name, byte[] value) => Parameter(name, SqliteType.Blob, value);

    public override DbParameter Time(string name, DateTimeOffset? value) => Parameter(name, SqliteType.Integer, UnixMilliseconds.From(value));

    public override DbParameter Int(string name, long? value) => Parameter(name, SqliteType.Integer, value);

    public override DateTimeOffset ReadTime(DbDataReader row, int ordinal) => UnixMilliseconds.Read(row, ordinal);

    public override async Task<StoreTransaction> BeginAsync(string? tenant, CancellationToken ct)
    {
        var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        try
        {
            return new StoreTransaction(connection, connection.BeginTransaction(deferred: false));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async Task<int> ExecuteAsync(string? tenant, string sql, DbParameter[] parameters, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        return await ExecuteAsync(connection, sql, ct, parameters).ConfigureAwait(false);
    }

    public override async Task<List<T>> ReadAsync<T>(string tenant, string sql, DbParameter[] parameters, Func<DbDataReader, T> read, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct).ConfigureAwait(false);
        await using var command = Command(connection, sql, parameters);
        return await ReadAllAsync(command, read, ct).ConfigureAwait(false);
    }

    public override async Task<bool> PingAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await database.OpenAsync(ct).ConfigureAwait(false);
            return await connection.ScalarAsync("SELECT 1;", ct).ConfigureAwait(false) is 1L;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    public override bool IsUniqueViolation(DbException e) => e is SqliteException { SqliteErrorCode: SqliteConstraint };

    public override Task AfterWipeAsync(StoreTransaction committed) =>
        SqliteDatabase.TryTruncateWalAsync((SqliteConnection)committed.Connection, CancellationToken.None);

    private static SqliteParameter Parameter(string name, SqliteType type, object? value) =>
        new("@" + name, type) { Value = value ?? DBNull.Value };
}
