using System.Text;
using Microsoft.Data.Sqlite;

namespace Vault.Storage.Sqlite;

/// <summary>The append-only audit log (UPDATE and DELETE are refused by triggers).</summary>
public sealed partial class SqliteVaultStore
{
    internal const string AuditColumns = "id, at, tenant, action, actor, seller_id, api, region, request_id, ip, detail";

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

        // Only constant fragments are appended, so each filter can use its index; values stay parameters.
        var sql = new StringBuilder("SELECT " + AuditColumns + " FROM audit_log WHERE tenant = @tenant");
        if (sellerId is not null)
        {
            sql.Append(" AND seller_id = @seller");
        }

        if (since is not null)
        {
            sql.Append(" AND at >= @since");
        }

        if (before is not null)
        {
            sql.Append(" AND id < @before");
        }

        sql.Append(" ORDER BY id DESC LIMIT @take;");

        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        using var command = db.Command(
            sql.ToString(),
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

        if (events.Count <= limit)
        {
            return new Page<AuditEvent>(events, null);
        }

        events.RemoveAt(events.Count - 1);
        return new Page<AuditEvent>(events, PageCursor.FromId(events[^1].Id));
    }

    private static async Task InsertAuditAsync(SqliteConnection db, AuditEvent audit, CancellationToken ct) =>
        await db.ExecuteAsync(
            """
            INSERT INTO audit_log (at, tenant, action, actor, seller_id, api, region, request_id, ip, detail)
            VALUES (@at, @tenant, @action, @actor, @seller, @api, @region, @request, @ip, @detail);
            """,
            ct,
            ("@at", UnixMilliseconds.From(TimeOf(audit))), ("@tenant", audit.Tenant), ("@action", audit.Action),
            ("@actor", audit.Actor), ("@seller", audit.SellerId), ("@api", audit.Api), ("@region", audit.Region),
            ("@request", audit.RequestId), ("@ip", audit.Ip), ("@detail", audit.Detail)).ConfigureAwait(false);

    internal static AuditEvent ReadAudit(SqliteDataReader row) =>
        new(
            Tenant: row.GetString(2),
            Action: row.GetString(3),
            Actor: row.GetString(4),
            SellerId: NullableText(row, 5),
            Api: NullableText(row, 6),
            Region: NullableText(row, 7),
            RequestId: NullableText(row, 8),
            Ip: NullableText(row, 9),
            Detail: NullableText(row, 10))
        {
            Id = row.GetInt64(0),
            At = UnixMilliseconds.ToTime(row.GetInt64(1)),
        };

    private static string? NullableText(SqliteDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);
}
