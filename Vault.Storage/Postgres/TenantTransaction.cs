using System.Data.Common;
using Npgsql;
using static Vault.Storage.Postgres.PostgresCommands;

namespace Vault.Storage.Postgres;

/// <summary>
/// A pooled connection in a transaction whose tenant is set for the row-level security policies of
/// Migrations/Postgres/0002: <c>set_config('vault.tenant', …, true)</c> is SET LOCAL, so the setting ends with
/// the transaction and a connection going back to the pool carries no tenant into the next request.
/// The same statement bounds the transaction: a statement running 10 s (a lock wait behind a stuck writer
/// included) is cancelled, and a transaction left idle 30 s (an instance hung mid-request) is ended, so no
/// instance can hold a seller's rows locked for the others. Being SET LOCAL, these work through any pooler,
/// PgBouncer in transaction mode included, where startup options or session SETs would not.
/// Disposing without <see cref="CommitAsync"/> rolls back.
/// </summary>
internal sealed class TenantTransaction : IAsyncDisposable
{
    private const string SetTenant = """
        SELECT set_config('vault.tenant', @tenant, true),
               set_config('statement_timeout', '10s', true),
               set_config('idle_in_transaction_session_timeout', '30s', true);
        """;

    private readonly NpgsqlTransaction _transaction;

    private TenantTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        Connection = connection;
        _transaction = transaction;
    }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction => _transaction;

    public static async Task<TenantTransaction> BeginAsync(NpgsqlDataSource dataSource, string tenant, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await connection.ExecuteAsync(SetTenant, ct, Text("tenant", tenant)).ConfigureAwait(false);
            return new TenantTransaction(connection, transaction);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }

            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// One query under the tenant, in one round trip and no explicit transaction: the tenant is set by the first
    /// statement of a batch, and PostgreSQL runs a batch as one implicit transaction, so the local setting holds for
    /// the query after it and ends with it. For reads; a write that must see its own reads takes <see cref="BeginAsync"/>.
    /// </summary>
    public static async Task<List<T>> ReadAsync<T>(
        NpgsqlDataSource dataSource, string tenant, string sql, DbParameter[] parameters, Func<DbDataReader, T> read, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        var setTenant = new NpgsqlBatchCommand(SetTenant);
        setTenant.Parameters.Add(Text("tenant", tenant));
        var query = new NpgsqlBatchCommand(sql);
        query.Parameters.AddRange(parameters);
        batch.BatchCommands.Add(setTenant);
        batch.BatchCommands.Add(query);

        await using var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.NextResultAsync(ct).ConfigureAwait(false); // past set_config's one row
        var rows = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public Task CommitAsync(CancellationToken ct) => _transaction.CommitAsync(ct);

    public Task RollbackAsync(CancellationToken ct) => _transaction.RollbackAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync().ConfigureAwait(false);
        await Connection.DisposeAsync().ConfigureAwait(false);
    }
}
