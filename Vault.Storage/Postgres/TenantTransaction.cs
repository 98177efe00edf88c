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
    private readonly NpgsqlTransaction _transaction;

    private TenantTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        Connection = connection;
        _transaction = transaction;
    }

    public NpgsqlConnection Connection { get; }

    public static async Task<TenantTransaction> BeginAsync(NpgsqlDataSource dataSource, string tenant, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
            await connection.ExecuteAsync(
                """
                SELECT set_config('vault.tenant', @tenant, true),
                       set_config('statement_timeout', '10s', true),
                       set_config('idle_in_transaction_session_timeout', '30s', true);
                """,
                ct,
                Text("tenant", tenant)).ConfigureAwait(false);
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

    public Task CommitAsync(CancellationToken ct) => _transaction.CommitAsync(ct);

    public Task RollbackAsync(CancellationToken ct) => _transaction.RollbackAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync().ConfigureAwait(false);
        await Connection.DisposeAsync().ConfigureAwait(false);
    }
}
