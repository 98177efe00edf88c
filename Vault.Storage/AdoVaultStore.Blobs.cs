using System.Security.Cryptography;

namespace Vault.Storage;

/// <summary>
/// The two paths that destroy a blob: rotation replaces it, deletion overwrites it with random bytes and then
/// deletes the row, each in one transaction with its audit event. On SQLite (secure_delete) the page images written
/// hold no old bytes, and the older images in the WAL go with the best-effort <c>wal_checkpoint(TRUNCATE)</c> run
/// after the commit (<see cref="StoreDialect.AfterWipeAsync"/>). PostgreSQL never changes a row in place: what it
/// keeps on disk, and how <c>VACUUM FULL</c> (<see cref="IVaultStore.CompactAsync"/>) removes it, is in
/// PostgresVaultStore.Compact.cs.
/// </summary>
public abstract partial class AdoVaultStore
{
    public async Task<bool> ReplaceBlobsAsync(string tenant, string sellerId, IReadOnlyList<BlobReplacement> replacements, AuditEvent? audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        RequireSameTenant(tenant, audit);
        var now = TimeOf(audit);

        await using var transaction = await _sql.BeginAsync(tenant, ct).ConfigureAwait(false);

        // Rows are updated (and so locked) in api order: two rotations of one seller queue instead of deadlocking.
        foreach (var replacement in replacements.OrderBy(r => r?.Api, StringComparer.Ordinal))
        {
            ArgumentNullException.ThrowIfNull(replacement);

            // Compare-and-swap on the blob itself: a row that a concurrent writer changed (or deleted) no longer
            // matches (PostgreSQL re-checks the condition on the newest version after waiting for the writer),
            // and the whole rotation is rolled back rather than overwriting it.
            var changed = await StoreDialect.ExecuteAsync(
                transaction.Connection,
                """
                UPDATE connections SET blob = @new, format = @format, updated_at = @now
                WHERE tenant = @tenant AND seller_id = @seller AND api = @api AND blob = @expected;
                """,
                ct,
                [
                    _sql.Bytes("new", replacement.NewBlob), _sql.Text("format", replacement.Format), _sql.Time("now", now),
                    .. KeyOf(tenant, sellerId, replacement.Api), _sql.Bytes("expected", replacement.ExpectedBlob),
                ]).ConfigureAwait(false);
            if (changed != 1)
            {
                await transaction.RollbackAsync(ct).ConfigureAwait(false);
                return false;
            }
        }

        if (audit is not null)
        {
            await InsertAuditAsync(transaction, audit, ct).ConfigureAwait(false);
        }

        // The one re-seal of a weak record is an upgrade; every other replacement is a rotation of the seller's secret.
        var type = audit?.Action == EventTypes.Upgraded ? EventTypes.Upgraded : EventTypes.SecretRotated;
        await InsertEventsForAsync(transaction, type, tenant, sellerId, [.. replacements.Select(r => r.Api)], now, ct).ConfigureAwait(false);

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        await _sql.AfterWipeAsync(transaction).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<Connection>> DeleteConnectionsAsync(string tenant, string sellerId, string? api, AuditEvent audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        RequireSameTenant(tenant, audit);
        var ofApi = api is null ? "" : " AND api = @api";

        await using var transaction = await _sql.BeginAsync(tenant, ct).ConfigureAwait(false);
        List<Connection> rows;

        // Locked in api order (PostgreSQL), so concurrent writers cannot deadlock.
        await using (var select = StoreDialect.Command(
            transaction.Connection,
            ConnectionSql.Select + " WHERE tenant = @tenant AND seller_id = @seller" + ofApi + " ORDER BY api" + _sql.LockRows + ";",
            KeyOf(tenant, sellerId, api)))
        {
            rows = await StoreDialect.ReadAllAsync(select, ReadConnection, ct).ConfigureAwait(false);
        }

        if (rows.Count == 0)
        {
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            return [];
        }

        var wiped = new List<Connection>(rows.Count);
        foreach (var row in rows)
        {
            // Overwrite before delete: on SQLite the ciphertext is gone even if secure_delete were ever off; on
            // PostgreSQL the version the DELETE leaves dead holds random bytes (the ciphertext's version stays a dead
            // tuple until VACUUM FULL, see PostgresVaultStore.Compact.cs).
            var noise = RandomNumberGenerator.GetBytes(row.Blob.Length);
            await StoreDialect.ExecuteAsync(
                transaction.Connection,
                "UPDATE connections SET blob = @noise WHERE tenant = @tenant AND seller_id = @seller AND api = @api;",
                ct,
                [_sql.Bytes("noise", noise), .. KeyOf(tenant, sellerId, row.Api)]).ConfigureAwait(false);
            CryptographicOperations.ZeroMemory(row.Blob);
            wiped.Add(row with { Blob = noise });
        }

        await StoreDialect.ExecuteAsync(
            transaction.Connection, "DELETE FROM connections WHERE tenant = @tenant AND seller_id = @seller" + ofApi + ";", ct, KeyOf(tenant, sellerId, api)).ConfigureAwait(false);
        await InsertAuditAsync(transaction, audit, ct).ConfigureAwait(false);
        foreach (var row in rows)
        {
            await InsertEventAsync(transaction, EventTypes.Deleted, tenant, sellerId, row.Api, row.Region, EventTypes.DeletedStatus, TimeOf(audit), ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        await _sql.AfterWipeAsync(transaction).ConfigureAwait(false);
        return wiped;
    }
}
