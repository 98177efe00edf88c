using Npgsql;
using static Vault.Storage.Postgres.PostgresCommands;

namespace Vault.Storage.Postgres;

/// <summary>The append-only audit log: the vault's role may only read and append (grants), and triggers refuse UPDATE, DELETE and TRUNCATE from anyone.</summary>
public sealed partial class PostgresVaultStore
{
    public async Task AppendAuditAsync(AuditEvent audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var scope = await BeginTenantAsync(audit.Tenant, ct).ConfigureAwait(false);
        await InsertAuditAsync(scope.Connection, audit, ct).ConfigureAwait(false);
        await scope.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task<Page<AuditEvent>> QueryAuditAsync(string tenant, string? sellerId, DateTimeOffset? since, int limit, string? cursor, CancellationToken ct = default)
    {
        limit = PageCursor.ClampLimit(limit);
        long? before = cursor is null ? null : PageCursor.ToId(cursor);

        var sql = AuditSql.Select(bySeller: sellerId is not null, since: since is not null, beforeId: before is not null);
        var events = await TenantTransaction.ReadAsync(
            _dataSource,
            tenant,
            sql,
            [Text("tenant", tenant), Text("seller", sellerId), Time("since", since), Int("before", before), Int("take", limit + 1)],
            ReadAudit,
            ct).ConfigureAwait(false);
        return PageCursor.Of(events, limit, e => PageCursor.FromId(e.Id));
    }

    private static async Task InsertAuditAsync(NpgsqlConnection db, AuditEvent audit, CancellationToken ct) =>
        await db.ExecuteAsync(
            AuditSql.Insert,
            ct,
            Time("at", TimeOf(audit)), Text("tenant", audit.Tenant), Text("action", audit.Action),
            Text("actor", audit.Actor), Text("seller", audit.SellerId), Text("api", audit.Api), Text("region", audit.Region),
            Text("request", audit.RequestId), Text("ip", audit.Ip), Text("detail", audit.Detail)).ConfigureAwait(false);

    private static AuditEvent ReadAudit(NpgsqlDataReader row) => StoreRows.Audit(row, PostgresConnectionRows.Time);
}
