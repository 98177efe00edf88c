using System.Data.Common;

namespace Vault.Storage;

/// <summary>Reading and writing connection rows (the blobs' wiping paths are in AdoVaultStore.Blobs.cs).</summary>
public abstract partial class AdoVaultStore
{
    public virtual async Task<Connection?> GetConnectionAsync(string tenant, string sellerId, string api, CancellationToken ct = default)
    {
        var rows = await _sql.ReadAsync(
            tenant, ConnectionSql.SelectOne, [_sql.Text("tenant", tenant), _sql.Text("seller", sellerId), _sql.Text("api", api)], ReadConnection, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<IReadOnlyList<Connection>> GetSellerConnectionsAsync(string tenant, string sellerId, CancellationToken ct = default) =>
        await _sql.ReadAsync(
            tenant,
            ConnectionSql.Select + " WHERE tenant = @tenant AND seller_id = @seller ORDER BY api;",
            [_sql.Text("tenant", tenant), _sql.Text("seller", sellerId)],
            ReadConnection,
            ct).ConfigureAwait(false);

    public async Task<Page<SellerSummary>> ListSellersAsync(string tenant, int limit, string? cursor, CancellationToken ct = default)
    {
        limit = PageCursor.ClampLimit(limit);
        var after = cursor is null ? null : PageCursor.ToKey(cursor);

        // One seller more than the page holds tells whether there is a next page. The keyset condition is
        // left out rather than made optional in SQL, so that it stays a range seek on the primary key
        // (on PostgreSQL its COLLATE "C" orders seller ids bytewise, as SQLite does).
        var afterCursor = after is null ? "" : " AND seller_id > @after";
        var rows = await _sql.ReadAsync(
            tenant,
            ConnectionSql.Select + " WHERE tenant = @tenant AND seller_id IN (SELECT DISTINCT seller_id FROM connections WHERE tenant = @tenant" +
            afterCursor + " ORDER BY seller_id LIMIT @take) ORDER BY seller_id, api;",
            [_sql.Text("tenant", tenant), _sql.Text("after", after), _sql.Int("take", limit + 1)],
            ReadConnection,
            ct).ConfigureAwait(false);

        return PageCursor.OfSellers(rows, limit);
    }

    public async Task<Upserted> UpsertConnectionAsync(Connection connection, AuditEvent audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(audit);
        RequireSameTenant(connection.Tenant, audit);

        await using var transaction = await _sql.BeginAsync(connection.Tenant, ct).ConfigureAwait(false);
        var outcome = await InsertOrReplaceAsync(transaction, connection, ct).ConfigureAwait(false);
        Connection stored;
        await using (var select = StoreDialect.Command(transaction.Connection, ConnectionSql.SelectOne, KeyOf(connection.Tenant, connection.SellerId, connection.Api)))
        {
            stored = (await StoreDialect.ReadAllAsync(select, ReadConnection, ct).ConfigureAwait(false))[0];
        }

        await InsertAuditAsync(transaction, audit, ct).ConfigureAwait(false);

        // A copy into another database moves connections; nothing happened to them.
        if (audit.Action != StoreCopy.CopiedAction)
        {
            await InsertEventAsync(
                transaction, outcome == UpsertOutcome.Created ? EventTypes.Created : EventTypes.Reauthorized, stored.Tenant, stored.SellerId, stored.Api,
                stored.Region, ConnectionSql.StatusText(stored.Status), TimeOf(audit), ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        if (outcome == UpsertOutcome.Replaced)
        {
            await _sql.AfterWipeAsync(transaction).ConfigureAwait(false);
        }

        return new Upserted(stored, outcome);
    }

    public async Task<bool> SetStatusAsync(string tenant, string sellerId, string api, ConnectionStatus status, AuditEvent? audit, CancellationToken ct = default)
    {
        RequireSameTenant(tenant, audit);
        await using var transaction = await _sql.BeginAsync(tenant, ct).ConfigureAwait(false);
        var changed = await StoreDialect.ExecuteAsync(
            transaction.Connection,
            "UPDATE connections SET status = @status, updated_at = @now WHERE tenant = @tenant AND seller_id = @seller AND api = @api;",
            ct,
            [_sql.Text("status", ConnectionSql.StatusText(status)), _sql.Time("now", TimeOf(audit)), .. KeyOf(tenant, sellerId, api)]).ConfigureAwait(false);
        if (changed == 0)
        {
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            return false;
        }

        if (audit is not null)
        {
            await InsertAuditAsync(transaction, audit, ct).ConfigureAwait(false);
        }

        if (status == ConnectionStatus.ReauthorizationRequired)
        {
            await InsertEventsForAsync(transaction, EventTypes.ReauthorizationRequired, tenant, sellerId, [api], TimeOf(audit), ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    public Task TouchLastUsedAsync(string tenant, string sellerId, string api, DateTimeOffset at, CancellationToken ct = default) =>
        // Only moves forward, so a late, out-of-order touch (from this or another instance) cannot make a connection look idle.
        _sql.ExecuteAsync(
            tenant,
            """
            UPDATE connections SET last_used_at = @at
            WHERE tenant = @tenant AND seller_id = @seller AND api = @api AND (last_used_at IS NULL OR last_used_at < @at);
            """,
            [_sql.Time("at", at), .. KeyOf(tenant, sellerId, api)],
            ct);

    /// <summary>
    /// Created or Replaced, exactly, also when another instance writes the same row at the same moment:
    /// INSERT … ON CONFLICT DO NOTHING claims a new row (waiting for a concurrent inserter to finish first);
    /// when it finds one, UPDATE replaces it. A row deleted between the two is inserted on the next round.
    /// A replacement keeps the first created_at (the connection exists since it was first authorized), and the
    /// selling partner id when the new row has none (an import does not know the one an OAuth connect learnt).
    /// On SQLite the UPDATE rewrites the blob in place and secure_delete zeroes the old bytes; PostgreSQL keeps the
    /// old row version as a dead tuple until VACUUM (see AdoVaultStore.Blobs.cs).
    /// </summary>
    private async Task<UpsertOutcome> InsertOrReplaceAsync(StoreTransaction transaction, Connection connection, CancellationToken ct)
    {
        DbParameter[] Values() =>
        [
            .. KeyOf(connection.Tenant, connection.SellerId, connection.Api),
            _sql.Text("region", connection.Region), _sql.Text("spid", connection.SellingPartnerId),
            _sql.Text("status", ConnectionSql.StatusText(connection.Status)), _sql.Text("format", connection.Format),
            _sql.Bytes("blob", connection.Blob), _sql.Time("created", connection.CreatedAt), _sql.Time("updated", connection.UpdatedAt),
            _sql.Time("used", connection.LastUsedAt), _sql.Int("sandbox", connection.Sandbox ? 1 : 0), _sql.Time("authorized", connection.AuthorizedAt ?? connection.UpdatedAt),
        ];

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var inserted = await StoreDialect.ExecuteAsync(
                transaction.Connection,
                "INSERT INTO connections (" + ConnectionSql.Columns + """
                ) VALUES (@tenant, @seller, @api, @region, @spid, @status, @format, @blob, @created, @updated, @used, @sandbox, @authorized)
                ON CONFLICT (tenant, seller_id, api) DO NOTHING;
                """,
                ct,
                Values()).ConfigureAwait(false);
            if (inserted == 1)
            {
                return UpsertOutcome.Created;
            }

            var replaced = await StoreDialect.ExecuteAsync(
                transaction.Connection,
                """
                UPDATE connections SET
                    region = @region, selling_partner_id = COALESCE(@spid, selling_partner_id), status = @status, format = @format,
                    blob = @blob, updated_at = @updated, last_used_at = @used, sandbox = @sandbox, authorized_at = @authorized
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

    private DbParameter[] KeyOf(string tenant, string sellerId, string? api) =>
        [_sql.Text("tenant", tenant), _sql.Text("seller", sellerId), _sql.Text("api", api)];

    private protected Connection ReadConnection(DbDataReader row) => StoreRows.Connection(row, _sql.ReadTime);
}
