using Microsoft.Data.Sqlite;

namespace Vault.Storage.Sqlite;

/// <summary>Reading and writing connection rows (the blobs' wiping paths are in SqliteVaultStore.Blobs.cs).</summary>
public sealed partial class SqliteVaultStore
{
    private const string SelectConnections = "SELECT " + ConnectionRows.Columns + " FROM connections";

    private const string SelectOneConnection = SelectConnections + " WHERE tenant = @tenant AND seller_id = @seller AND api = @api;";

    /// <summary>Every proxied call reads its row here: on a kept connection with the statement already prepared.</summary>
    public Task<Connection?> GetConnectionAsync(string tenant, string sellerId, string api, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var lease = _reads.Rent();
        Connection? row;
        try
        {
            var command = lease.Command(SelectOneConnection, ("@tenant", tenant), ("@seller", sellerId), ("@api", api));
            using var reader = command.ExecuteReader();
            row = reader.Read() ? ConnectionRows.Read(reader) : null;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
        _reads.Return(lease);
        return Task.FromResult(row);
    }

    public async Task<IReadOnlyList<Connection>> GetSellerConnectionsAsync(string tenant, string sellerId, CancellationToken ct = default)
    {
        await using var connection = await _database.OpenAsync(ct).ConfigureAwait(false);
        using var command = connection.Command(
            SelectConnections + " WHERE tenant = @tenant AND seller_id = @seller ORDER BY api;",
            ("@tenant", tenant), ("@seller", sellerId));
        return await ConnectionRows.ReadAllAsync(command, ct).ConfigureAwait(false);
    }

    public async Task<Page<SellerSummary>> ListSellersAsync(string tenant, int limit, string? cursor, CancellationToken ct = default)
    {
        limit = PageCursor.ClampLimit(limit);
        var after = cursor is null ? null : PageCursor.ToKey(cursor);

        // One seller more than the page holds tells whether there is a next page. The keyset condition is
        // left out rather than made optional in SQL, so that it stays a range seek on the primary key.
        var afterCursor = after is null ? "" : " AND seller_id > @after";
        await using var connection = await _database.OpenAsync(ct).ConfigureAwait(false);
        using var command = connection.Command(
            SelectConnections + " WHERE tenant = @tenant AND seller_id IN (SELECT DISTINCT seller_id FROM connections WHERE tenant = @tenant" +
            afterCursor + " ORDER BY seller_id LIMIT @take) ORDER BY seller_id, api;",
            ("@tenant", tenant), ("@after", after), ("@take", limit + 1));
        var rows = await ConnectionRows.ReadAllAsync(command, ct).ConfigureAwait(false);

        return PageCursor.OfSellers(rows, limit);
    }

    public async Task<UpsertOutcome> UpsertConnectionAsync(Connection connection, AuditEvent audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(audit);
        RequireSameTenant(connection.Tenant, audit);

        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = db.BeginTransaction(deferred: false);
        var exists = await db.ScalarAsync(
            "SELECT 1 FROM connections WHERE tenant = @tenant AND seller_id = @seller AND api = @api;",
            ct,
            ("@tenant", connection.Tenant), ("@seller", connection.SellerId), ("@api", connection.Api)).ConfigureAwait(false) is not null;

        // A replacement keeps the first created_at: the connection exists since it was first authorized.
        // The UPDATE rewrites the blob in place, and secure_delete zeroes the old bytes.
        await db.ExecuteAsync(
            "INSERT INTO connections (" + ConnectionRows.Columns + """
            ) VALUES (@tenant, @seller, @api, @region, @spid, @status, @format, @blob, @created, @updated, @used)
            ON CONFLICT (tenant, seller_id, api) DO UPDATE SET
                region = excluded.region, selling_partner_id = excluded.selling_partner_id,
                status = excluded.status, format = excluded.format, blob = excluded.blob,
                updated_at = excluded.updated_at, last_used_at = excluded.last_used_at;
            """,
            ct,
            ("@tenant", connection.Tenant), ("@seller", connection.SellerId), ("@api", connection.Api),
            ("@region", connection.Region), ("@spid", connection.SellingPartnerId),
            ("@status", ConnectionRows.StatusText(connection.Status)), ("@format", connection.Format),
            ("@blob", connection.Blob), ("@created", UnixMilliseconds.From(connection.CreatedAt)),
            ("@updated", UnixMilliseconds.From(connection.UpdatedAt)), ("@used", UnixMilliseconds.From(connection.LastUsedAt))).ConfigureAwait(false);

        await InsertAuditAsync(db, audit, ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        if (exists)
        {
            // The replaced blob's page images are still in the WAL (and maybe the database file): as after a rotation.
            await SqliteDatabase.TryTruncateWalAsync(db, CancellationToken.None).ConfigureAwait(false);
        }

        return exists ? UpsertOutcome.Replaced : UpsertOutcome.Created;
    }

    public async Task<bool> SetStatusAsync(string tenant, string sellerId, string api, ConnectionStatus status, AuditEvent? audit, CancellationToken ct = default)
    {
        RequireSameTenant(tenant, audit);
        var statusText = ConnectionRows.StatusText(status);

        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = db.BeginTransaction(deferred: false);
        var changed = await db.ExecuteAsync(
            "UPDATE connections SET status = @status, updated_at = @now WHERE tenant = @tenant AND seller_id = @seller AND api = @api;",
            ct,
            ("@status", statusText), ("@now", UnixMilliseconds.From(TimeOf(audit))),
            ("@tenant", tenant), ("@seller", sellerId), ("@api", api)).ConfigureAwait(false);
        if (changed == 0)
        {
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            return false;
        }

        if (audit is not null)
        {
            await InsertAuditAsync(db, audit, ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    public async Task TouchLastUsedAsync(string tenant, string sellerId, string api, DateTimeOffset at, CancellationToken ct = default)
    {
        // Only moves forward, so a late, out-of-order touch cannot make a connection look idle.
        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        await db.ExecuteAsync(
            """
            UPDATE connections SET last_used_at = @at
            WHERE tenant = @tenant AND seller_id = @seller AND api = @api AND (last_used_at IS NULL OR last_used_at < @at);
            """,
            ct,
            ("@at", UnixMilliseconds.From(at)), ("@tenant", tenant), ("@seller", sellerId), ("@api", api)).ConfigureAwait(false);
    }

    private static SqliteCommand SelectSellerRows(SqliteConnection db, string tenant, string sellerId, string? api) =>
        db.Command(
            SelectConnections + " WHERE tenant = @tenant AND seller_id = @seller AND (@api IS NULL OR api = @api) ORDER BY api;",
            ("@tenant", tenant), ("@seller", sellerId), ("@api", api));
}
