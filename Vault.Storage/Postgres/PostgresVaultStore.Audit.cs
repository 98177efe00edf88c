using System.Text;
using Npgsql;
using static Vault.Storage.Postgres.PostgresCommands;

namespace Vault.Storage.Postgres;

/// <summary>The append-only audit log: the vault's role may only read and append (grants), and triggers refuse UPDATE, DELETE and TRUNCATE from anyone.</summary>
public sealed partial class PostgresVaultStore
{
    private const string AuditColumns = "id, at, tenant, action, actor, seller_id, api, region, request_id, ip, detail";

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

        await using var scope = await BeginTenantAsync(tenant, ct).ConfigureAwait(false);
        await using var command = scope.Connection.Command(
            sql.ToString(),
            Text("tenant", tenant), Text("seller", sellerId), Time("since", since), Int("before", before), Int("take", limit + 1));
        var events = new List<AuditEvent>();
        await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                events.Add(ReadAudit(reader));
            }
        }

        await scope.CommitAsync(ct).ConfigureAwait(false);

        if (events.Count <= limit)
        {
            return new Page<AuditEvent>(events, null);
        }

        events.RemoveAt(events.Count - 1);
        return new Page<AuditEvent>(events, PageCursor.FromId(events[^1].Id));
    }

    private static async Task InsertAuditAsync(NpgsqlConnection db, AuditEvent audit, CancellationToken ct) =>
        await db.ExecuteAsync(
            """
            INSERT INTO audit_log (at, tenant, action, actor, seller_id, api, region, request_id, ip, detail)
            VALUES (@at, @tenant, @action, @actor, @seller, @api, @region, @request, @ip, @detail);
            """,
            ct,
            Time("at", TimeOf(audit)), Text("tenant", audit.Tenant), Text("action", audit.Action),
            Text("actor", audit.Actor), Text("seller", audit.SellerId), Text("api", audit.Api), Text("region", audit.Region),
            Text("request", audit.RequestId), Text("ip", audit.Ip), Text("detail", audit.Detail)).ConfigureAwait(false);

    private static AuditEvent ReadAudit(NpgsqlDataReader row) =>
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
            At = PostgresTime.FromColumn(row.GetDateTime(1)),
        };

    private static string? NullableText(NpgsqlDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);
}
