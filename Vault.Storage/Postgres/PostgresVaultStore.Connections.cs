using Npgsql;
using static Vault.Storage.Postgres.PostgresCommands;

namespace Vault.Storage.Postgres;

/// <summary>Reading and writing connection rows (the blobs' wiping paths are in PostgresVaultStore.Blobs.cs).</summary>
public sealed partial class PostgresVaultStore
{
    private const string SelectConnections = PostgresConnectionRows.Select;

    public async Task<Connection?> GetConnectionAsync(string tenant, string sellerId, string api, CancellationToken ct = default)
    {
        var rows = await TenantTransaction.ReadAsync(
            _dataSource,
            tenant,
            SelectConnections + " WHERE tenant = @tenant AND seller_id = @seller AND api = @api;",
            [Text("tenant", tenant), Text("seller", sellerId), Text("api", api)],
            PostgresConnectionRows.Read,
            ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<Connection>> GetSellerConnectionsAsync(string tenant, string sellerId, CancellationToken ct = default)
    {
        return await TenantTransaction.ReadAsync(
            _dataSource,
            tenant,
            SelectConnections + " WHERE tenant = @tenant AND seller_id = @seller ORDER BY api;",
            [Text("tenant", tenant), Text("seller", sellerId)],
            PostgresConnectionRows.Read,
            ct).ConfigureAwait(false);
    }

    public async Task<Page<SellerSummary>> ListSellersAsync(string tenant, int limit, string? cursor, CancellationToken ct = default)
    {
        limit = PageCursor.ClampLimit(limit);
        var after = cursor is null ? null : PageCursor.ToKey(cursor);

        // One seller more than the page holds tells whether there is a next page. The keyset condition is
        // left out rather than made optional in SQL, so that it stays a range seek on the primary key
        // (whose COLLATE "C" orders seller ids bytewise, as SQLite does).
        var afterCursor = after is null ? "" : " AND seller_id > @after";
        var rows = await TenantTransaction.ReadAsync(
            _dataSource,
            tenant,
            SelectConnections + " WHERE tenant = @tenant AND seller_id IN (SELECT DISTINCT seller_id FROM connections WHERE tenant = @tenant" +
            afterCursor + " ORDER BY seller_id LIMIT @take) ORDER BY seller_id, api;",
            [Text("tenant", tenant), Text("after", after), Int("take", limit + 1)],
            PostgresConnectionRows.Read,
            ct).ConfigureAwait(false);

        return PageCursor.OfSellers(rows, limit);
    }

    public async Task<UpsertOutcome> UpsertConnectionAsync(Connection connection, AuditEvent audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(audit);
        RequireSameTenant(connection.Tenant, audit);

        await using var scope = await BeginTenantAsync(connection.Tenant, ct).ConfigureAwait(false);
        var outcome = await InsertOrReplaceAsync(scope.Connection, connection, ct).ConfigureAwait(false);
        await InsertAuditAsync(scope.Connection, audit, ct).ConfigureAwait(false);
        await scope.CommitAsync(ct).ConfigureAwait(false);
        return outcome;
    }

    public async Task<bool> SetStatusAsync(string tenant, string sellerId, string api, ConnectionStatus status, AuditEvent? audit, CancellationToken ct = default)
    {
        RequireSameTenant(tenant, audit);
        var statusText = PostgresConnectionRows.StatusText(status);

        await using var scope = await BeginTenantAsync(tenant, ct).ConfigureAwait(false);
        var db = scope.Connection;
        var changed = await db.ExecuteAsync(
            "UPDATE connections SET status = @status, updated_at = @now WHERE tenant = @tenant AND seller_id = @seller AND api = @api;",
            ct,
            Text("status", statusText), Time("now", TimeOf(audit)),
            Text("tenant", tenant), Text("seller", sellerId), Text("api", api)).ConfigureAwait(false);
        if (changed == 0)
        {
            await scope.RollbackAsync(ct).ConfigureAwait(false);
            return false;
        }

        if (audit is not null)
        {
            await InsertAuditAsync(db, audit, ct).ConfigureAwait(false);
        }

        await scope.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    public async Task TouchLastUsedAsync(string tenant, string sellerId, string api, DateTimeOffset at, CancellationToken ct = default)
    {
        // Only moves forward, so a late, out-of-order touch (from this or another instance) cannot make a connection look idle.
        await using var scope = await BeginTenantAsync(tenant, ct).ConfigureAwait(false);
        await scope.Connection.ExecuteAsync(
            """
            UPDATE connections SET last_used_at = @at
            WHERE tenant = @tenant AND seller_id = @seller AND api = @api AND (last_used_at IS NULL OR last_used_at < @at);
            """,
            ct,
            Time("at", at), Text("tenant", tenant), Text("seller", sellerId), Text("api", api)).ConfigureAwait(false);
        await scope.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Created or Replaced, exactly, also when another instance writes the same row at the same moment:
    /// INSERT … ON CONFLICT DO NOTHING claims a new row (waiting for a concurrent inserter to finish first);
    /// when it finds one, UPDATE replaces it. A row deleted between the two is inserted on the next round.
    /// A replacement keeps the first created_at: the connection exists since it was first authorized.
    /// </summary>
    private static async Task<UpsertOutcome> InsertOrReplaceAsync(NpgsqlConnection db, Connection connection, CancellationToken ct)
    {
        NpgsqlParameter[] Values() =>
        [
            Text("tenant", connection.Tenant), Text("seller", connection.SellerId), Text("api", connection.Api),
            Text("region", connection.Region), Text("spid", connection.SellingPartnerId),
            Text("status", PostgresConnectionRows.StatusText(connection.Status)), Text("format", connection.Format),
            Bytes("blob", connection.Blob), Time("created", connection.CreatedAt), Time("updated", connection.UpdatedAt),
            Time("used", connection.LastUsedAt),
        ];

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var inserted = await db.ExecuteAsync(
                "INSERT INTO connections (" + Sqlite.ConnectionRows.Columns + """
                ) VALUES (@tenant, @seller, @api, @region, @spid, @status, @format, @blob, @created, @updated, @used)
                ON CONFLICT (tenant, seller_id, api) DO NOTHING;
                """,
                ct,
                Values()).ConfigureAwait(false);
            if (inserted == 1)
            {
                return UpsertOutcome.Created;
            }

            // The old blob's row version stays in the table file as a dead tuple until VACUUM (see PostgresVaultStore.Blobs.cs).
            var replaced = await db.ExecuteAsync(
                """
                UPDATE connections SET
                    region = @region, selling_partner_id = @spid, status = @status, format = @format, blob = @blob,
                    updated_at = @updated, last_used_at = @used
                WHERE tenant = @tenant AND seller_id = @seller AND api = @api;
                """,
                ct,
                Values()).ConfigureAwait(false);
            if (replaced == 1)
            {
                return UpsertOutcome.Replaced;
            }
        }

        throw new InvalidOperationException("The connection was inserted and deleted concurrently three times in a row; retry.");
    }

    /// <summary>The seller's rows (one api's, or all), locked in api order, so concurrent writers cannot deadlock.</summary>
    private static NpgsqlCommand LockSellerRows(NpgsqlConnection db, string tenant, string sellerId, string? api) =>
        db.Command(
            SelectConnections + " WHERE tenant = @tenant AND seller_id = @seller" + (api is null ? "" : " AND api = @api") + " ORDER BY api FOR UPDATE;",
            Text("tenant", tenant), Text("seller", sellerId), Text("api", api));
}
