using System.Security.Cryptography;

namespace Vault.Storage.Sqlite;

/// <summary>
/// The two paths that destroy a blob: rotation overwrites it in place, deletion overwrites it with
/// random bytes and then deletes the row. With secure_delete on, the page images written hold no old
/// bytes; the older images still in the WAL, and the database file's copy, go with the best-effort
/// <c>wal_checkpoint(TRUNCATE)</c> each of them runs after its commit (<see cref="SqliteDatabase.TryTruncateWalAsync"/>).
/// </summary>
public sealed partial class SqliteVaultStore
{
    public async Task<bool> ReplaceBlobsAsync(string tenant, string sellerId, IReadOnlyList<BlobReplacement> replacements, AuditEvent? audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        RequireSameTenant(tenant, audit);
        var now = UnixMilliseconds.From(TimeOf(audit));

        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = db.BeginTransaction(deferred: false);
        foreach (var replacement in replacements)
        {
            ArgumentNullException.ThrowIfNull(replacement);

            // Compare-and-swap on the blob itself: a row that a concurrent writer changed (or deleted)
            // no longer matches, and the whole rotation is rolled back rather than overwriting it.
            var changed = await db.ExecuteAsync(
                """
                UPDATE connections SET blob = @new, format = @format, updated_at = @now
                WHERE tenant = @tenant AND seller_id = @seller AND api = @api AND blob = @expected;
                """,
                ct,
                ("@new", replacement.NewBlob), ("@format", replacement.Format), ("@now", now),
                ("@tenant", tenant), ("@seller", sellerId), ("@api", replacement.Api),
                ("@expected", replacement.ExpectedBlob)).ConfigureAwait(false);
            if (changed != 1)
            {
                await transaction.RollbackAsync(ct).ConfigureAwait(false);
                return false;
            }
        }

        if (audit is not null)
        {
            await InsertAuditAsync(db, audit, ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        await SqliteDatabase.TryTruncateWalAsync(db, CancellationToken.None).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<Connection>> DeleteConnectionsAsync(string tenant, string sellerId, string? api, AuditEvent audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        RequireSameTenant(tenant, audit);

        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = db.BeginTransaction(deferred: false);
        List<Connection> rows;
        using (var select = SelectSellerRows(db, tenant, sellerId, api))
        {
            rows = await ConnectionRows.ReadAllAsync(select, ct).ConfigureAwait(false);
        }

        if (rows.Count == 0)
        {
            await transaction.RollbackAsync(ct).ConfigureAwait(false);
            return [];
        }

        var wiped = new List<Connection>(rows.Count);
        foreach (var row in rows)
        {
            // Overwrite before delete: the ciphertext is gone even if secure_delete were ever off.
            var noise = RandomNumberGenerator.GetBytes(row.Blob.Length);
            await db.ExecuteAsync(
                "UPDATE connections SET blob = @noise WHERE tenant = @tenant AND seller_id = @seller AND api = @api;",
                ct,
                ("@noise", noise), ("@tenant", tenant), ("@seller", sellerId), ("@api", row.Api)).ConfigureAwait(false);
            CryptographicOperations.ZeroMemory(row.Blob);
            wiped.Add(row with { Blob = noise });
        }

        await db.ExecuteAsync(
            "DELETE FROM connections WHERE tenant = @tenant AND seller_id = @seller AND (@api IS NULL OR api = @api);",
            ct,
            ("@tenant", tenant), ("@seller", sellerId), ("@api", api)).ConfigureAwait(false);
        await InsertAuditAsync(db, audit, ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        await SqliteDatabase.TryTruncateWalAsync(db, CancellationToken.None).ConfigureAwait(false);
        return wiped;
    }
}
