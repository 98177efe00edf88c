using System.Data.Common;

namespace Vault.Storage;

/// <summary>The append-only audit log (triggers refuse UPDATE and DELETE; on PostgreSQL grants as well).</summary>
public abstract partial class AdoVaultStore
{
    public async Task AppendAuditAsync(AuditEvent audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await _sql.ExecuteAsync(audit.Tenant, AuditSql.Insert, AuditValues(audit), ct).ConfigureAwait(false);
    }

    public async Task<Page<AuditEvent>> QueryAuditAsync(string tenant, string? sellerId, DateTimeOffset? since, int limit, string? cursor, CancellationToken ct = default)
    {
        limit = PageCursor.ClampLimit(limit);
        long? before = cursor is null ? null : PageCursor.ToId(cursor);

        var sql = AuditSql.Select(bySeller: sellerId is not null, since: since is not null, beforeId: before is not null);
        var events = await _sql.ReadAsync(
            tenant,
            sql,
            [_sql.Text("tenant", tenant), _sql.Text("seller", sellerId), _sql.Time("since", since), _sql.Int("before", before), _sql.Int("take", limit + 1)],
            row => StoreRows.Audit(row, _sql.ReadTime),
            ct).ConfigureAwait(false);
        return PageCursor.Of(events, limit, e => PageCursor.FromId(e.Id));
    }

    private Task InsertAuditAsync(StoreTransaction transaction, AuditEvent audit, CancellationToken ct) =>
        StoreDialect.ExecuteAsync(transaction.Connection, AuditSql.Insert, ct, AuditValues(audit));

    private DbParameter[] AuditValues(AuditEvent audit) =>
    [
        _sql.Time("at", TimeOf(audit)), _sql.Text("tenant", audit.Tenant), _sql.Text("action", audit.Action),
        _sql.Text("actor", audit.Actor), _sql.Text("seller", audit.SellerId), _sql.Text("api", audit.Api), _sql.Text("region", audit.Region),
        _sql.Text("request", audit.RequestId), _sql.Text("ip", audit.Ip), _sql.Text("detail", audit.Detail),
    ];
}
