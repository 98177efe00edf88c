using System.Data.Common;
using Npgsql;

namespace Vault.Storage.Postgres;

/// <summary>
/// PostgreSQL under <see cref="AdoVaultStore"/>: typed parameters (a null is still typed), <c>timestamptz</c> at
/// millisecond precision, every statement on a tenant's table under <see cref="TenantTransaction"/> (row-level
/// security), <c>FOR UPDATE</c> on rows a transaction goes on to write, and nothing after a wipe: the old bytes are
/// dead tuples until <c>VACUUM FULL</c> (PostgresVaultStore.Compact.cs).
/// </summary>
internal sealed class PostgresDialect(NpgsqlDataSource dataSource) : StoreDialect
{
    public override string LockRows => " FOR UPDATE";

    public override string ClaimRows => " FOR UPDATE OF e SKIP LOCKED";

    // The two-key form: a lock space apart from the migrations' one-key advisory lock.
    public override string EventOrderLock => "SELECT pg_advisory_xact_lock(1415, hashtext(@tenant));";

    public override async Task<StoreTransaction> BeginOutboxAsync(CancellationToken ct)
    {
        var transaction = await BeginAsync(null, ct).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(
                transaction.Connection,
                """
                SELECT set_config('vault.outbox', 'deliver', true), set_config('statement_timeout', '10s', true),
                       set_config('idle_in_transaction_session_timeout', '30s', true);
                """,
                ct).ConfigureAwait(false);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override DbParameter Text(string name, string? value) => PostgresCommands.Text(name, value);

    public override DbParameter Bytes(string name, byte[] value) => PostgresCommands.Bytes(name, value);

    public override DbParameter Time(string name, DateTimeOffset? value) => PostgresCommands.Time(name, value);

    public override DbParameter Int(string name, long? value) => PostgresCommands.Int(name, value);

    public override DateTimeOffset ReadTime(DbDataReader row, int ordinal) => PostgresTime.FromColumn(row.GetDateTime(ordinal));

    public override async Task<StoreTransaction> BeginAsync(string? tenant, CancellationToken ct)
    {
        if (tenant is not null)
        {
            var scope = await TenantTransaction.BeginAsync(dataSource, tenant, ct).ConfigureAwait(false);
            return new StoreTransaction(scope.Connection, scope.Transaction);
        }

        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            return new StoreTransaction(connection, await connection.BeginTransactionAsync(ct).ConfigureAwait(false));
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override async Task<int> ExecuteAsync(string? tenant, string sql, DbParameter[] parameters, CancellationToken ct)
    {
        if (tenant is null)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await ExecuteAsync(connection, sql, ct, parameters).ConfigureAwait(false);
        }

        await using var scope = await TenantTransaction.BeginAsync(dataSource, tenant, ct).ConfigureAwait(false);
        var changed = await ExecuteAsync(scope.Connection, sql, ct, parameters).ConfigureAwait(false);
        await scope.CommitAsync(ct).ConfigureAwait(false);
        return changed;
    }

    public override Task<List<T>> ReadAsync<T>(string tenant, string sql, DbParameter[] parameters, Func<DbDataReader, T> read, CancellationToken ct) =>
        TenantTransaction.ReadAsync(dataSource, tenant, sql, parameters, read, ct);

    public override async Task<bool> PingAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            return await connection.ScalarAsync("SELECT 1;", ct).ConfigureAwait(false) is 1;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    public override bool IsUniqueViolation(DbException e) => e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override Task AfterWipeAsync(StoreTransaction committed) => Task.CompletedTask;
}
