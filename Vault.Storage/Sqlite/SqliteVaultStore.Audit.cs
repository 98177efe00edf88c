using Microsoft.Data.Sqlite;

namespace Vault.Storage.Sqlite;

/// <summary>The append-only audit log (UPDATE and DELETE are refused by triggers).</summary>
public sealed partial class SqliteVaultStore
{
    public async Task AppendAuditAsync(AuditEvent audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        await InsertAuditAsync(db, audit, ct).ConfigureAwait(false);
    }

    public async Task<Page<AuditEvent>> QueryAuditAsync(string tenant, string? sellerId, DateTimeOffset? since, int limit, string? cursor, CancellationToken ct = default)
    {
        limit = PageCursor.ClampLimit(limit);
        long? before = cursor is null ? null : PageCursor.ToId(cursor);

        var sql = AuditSql.Select(bySeller: sellerId is not null, since: since is not null, beforeId: before is not null);
        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        using var command = db.Command(
            sql,
            ("@tenant", tenant), ("@seller", sellerId), ("@since", UnixMilliseconds.From(since)),
            ("@before", before), ("@take", limit + 1));
        var events = new List<AuditEvent>();
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                events.Add(ReadAudit(reader));
            }
        }

        return PageCursor.Of(events, limit, e => PageCursor.FromId(e.Id));
    }

    private static async Task InsertAuditAsync(SqliteConnection db, AuditEvent audit, CancellationToken ct) =>
        await db.ExecuteAsync(
            AuditSql.Insert,
            ct,
            ("@at", UnixMilliseconds.From(TimeOf(audit))), ("@tenant", audit.Tenant), ("@action", audit.Action),
            ("@actor", audit.Actor), ("@seller", audit.SellerId), ("@api", audit.Api), ("@region", audit.Region),
            ("@request", audit.RequestId), ("@ip", audit.Ip), ("@detail", audit.Detail)).ConfigureAwait(false);

    internal static AuditEvent ReadAudit(SqliteDataReader row) => StoreRows.Audit(row, ConnectionRows.Time);
}
