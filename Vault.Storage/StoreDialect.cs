using System.Data.Common;

namespace Vault.Storage;

/// <summary>
/// What differs between the databases under <see cref="AdoVaultStore"/>: typed parameters and timestamps, how a
/// connection and a transaction are opened (PostgreSQL sets the tenant for its row-level security policies), row
/// locks, unique violations, and what follows a commit that left a deleted or replaced blob's bytes behind.
/// Shared SQL names its parameters <c>@name</c>; the dialect's parameter factories take the bare name.
/// </summary>
internal abstract class StoreDialect
{
    /// <summary>Appended to a SELECT that the rest of its transaction writes: <c> FOR UPDATE</c> on PostgreSQL.</summary>
    public abstract string LockRows { get; }

    public abstract DbParameter Text(string name, string? value);

    public abstract DbParameter Bytes(string name, byte[] value);

    public abstract DbParameter Time(string name, DateTimeOffset? value);

    public abstract DbParameter Int(string name, long? value);

    public abstract DateTimeOffset ReadTime(DbDataReader row, int ordinal);

    /// <summary>A write transaction, under <paramref name="tenant"/> when the table is a tenant's.</summary>
    public abstract Task<StoreTransaction> BeginAsync(string? tenant, CancellationToken ct);

    /// <summary>One statement under <paramref name="tenant"/> (null: a table of no tenant); the rows it changed.</summary>
    public abstract Task<int> ExecuteAsync(string? tenant, string sql, DbParameter[] parameters, CancellationToken ct);

    /// <summary>One query under <paramref name="tenant"/>, its rows read by <paramref name="read"/>.</summary>
    public abstract Task<List<T>> ReadAsync<T>(string tenant, string sql, DbParameter[] parameters, Func<DbDataReader, T> read, CancellationToken ct);

    public abstract Task<bool> PingAsync(CancellationToken ct);

    public abstract bool IsUniqueViolation(DbException e);

    /// <summary>After the commit of a delete or a replacement, still on its connection: SQLite truncates its WAL, best effort.</summary>
    public abstract Task AfterWipeAsync(StoreTransaction committed);

    /// <summary>Appended to the outbox's claim query: <c> FOR UPDATE SKIP LOCKED</c> on PostgreSQL (SQLite's write lock covers the file).</summary>
    public virtual string ClaimRows => "";

    /// <summary>Run before an event insert with @tenant: PostgreSQL's per-tenant lock that makes events commit in seq order.</summary>
    public virtual string EventOrderLock => "";

    /// <summary>A transaction of the outbox's cross-tenant work: delivery and the renewal scan (Migrations/Postgres/0006).</summary>
    public virtual Task<StoreTransaction> BeginOutboxAsync(CancellationToken ct) => BeginAsync(null, ct);

    public static DbCommand Command(DbConnection connection, string sql, params DbParameter[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddRange(parameters);
        return command;
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, string sql, CancellationToken ct, params DbParameter[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static async Task<List<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken ct)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
