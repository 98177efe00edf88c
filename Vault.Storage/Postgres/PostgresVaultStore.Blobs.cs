using System.Security.Cryptography;
using static Vault.Storage.Postgres.PostgresCommands;

namespace Vault.Storage.Postgres;

/// <summary>
/// The two paths that destroy a blob: rotation replaces it, deletion overwrites it with random bytes and
/// then deletes the row, each in one transaction with its audit event.
/// <para>
/// What PostgreSQL keeps on disk, unlike SQLite with secure_delete: MVCC never changes a row in place. An
/// UPDATE writes a new row version and leaves the old one, ciphertext included, in the table file as a dead
/// tuple until VACUUM; that is true of the wiping UPDATE too, so here the overwrite does not scrub the
/// original version. What it does give: the last version, the one the DELETE leaves behind, holds random
/// bytes, and the copies returned to the caller are wiped, as with SQLite. VACUUM (autovacuum) then frees the dead tuples' space for reuse, but leaves their
/// bytes in the page until new rows overwrite them; only a rewrite of the table, <c>VACUUM FULL
/// connections</c> (<see cref="RewriteConnectionsTableAsync"/>), leaves none of them in its file. The WAL,
/// base backups and replicas keep the old ciphertext until they are recycled; rotate the seller's secret if
/// that matters, as with SQLite backups.
/// </para>
/// </summary>
public sealed partial class PostgresVaultStore
{
    public async Task<bool> ReplaceBlobsAsync(string tenant, string sellerId, IReadOnlyList<BlobReplacement> replacements, AuditEvent? audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        RequireSameTenant(tenant, audit);
        var now = TimeOf(audit);

        await using var scope = await BeginTenantAsync(tenant, ct).ConfigureAwait(false);
        var db = scope.Connection;

        // Rows are updated (and so locked) in api order: two rotations of one seller queue instead of deadlocking.
        foreach (var replacement in replacements.OrderBy(r => r?.Api, StringComparer.Ordinal))
        {
            ArgumentNullException.ThrowIfNull(replacement);

            // Compare-and-swap on the blob itself: a row that a concurrent writer changed (or deleted) no longer
            // matches (PostgreSQL re-checks the condition on the newest version after waiting for the writer),
            // and the whole rotation is rolled back rather than overwriting it.
            var changed = await db.ExecuteAsync(
                """
                UPDATE connections SET blob = @new, format = @format, updated_at = @now
                WHERE tenant = @tenant AND seller_id = @seller AND api = @api AND blob = @expected;
                """,
                ct,
                Bytes("new", replacement.NewBlob), Text("format", replacement.Format), Time("now", now),
                Text("tenant", tenant), Text("seller", sellerId), Text("api", replacement.Api),
                Bytes("expected", replacement.ExpectedBlob)).ConfigureAwait(false);
            if (changed != 1)
            {
                await scope.RollbackAsync(ct).ConfigureAwait(false);
                return false;
            }
        }

        if (audit is not null)
        {
            await InsertAuditAsync(db, audit, ct).ConfigureAwait(false);
        }

        await scope.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<Connection>> DeleteConnectionsAsync(string tenant, string sellerId, string? api, AuditEvent audit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(audit);
        RequireSameTenant(tenant, audit);

        await using var scope = await BeginTenantAsync(tenant, ct).ConfigureAwait(false);
        var db = scope.Connection;
        List<Connection> rows;
        await using (var select = LockSellerRows(db, tenant, sellerId, api))
        {
            rows = await PostgresConnectionRows.ReadAllAsync(select, ct).ConfigureAwait(false);
        }

        if (rows.Count == 0)
        {
            await scope.RollbackAsync(ct).ConfigureAwait(false);
            return [];
        }

        var wiped = new List<Connection>(rows.Count);
        foreach (var row in rows)
        {
            // Overwrite before delete, as the SQLite store does. PostgreSQL keeps dead tuples until VACUUM: the
            // version the DELETE leaves dead is this one, random bytes; but the ciphertext's version, dead since
            // this UPDATE, is kept too. VACUUM is needed to reclaim both, and VACUUM FULL to scrub their bytes
            // from the file (see the class comment).
            var noise = RandomNumberGenerator.GetBytes(row.Blob.Length);
            await db.ExecuteAsync(
                "UPDATE connections SET blob = @noise WHERE tenant = @tenant AND seller_id = @seller AND api = @api;",
                ct,
                Bytes("noise", noise), Text("tenant", tenant), Text("seller", sellerId), Text("api", row.Api)).ConfigureAwait(false);
            CryptographicOperations.ZeroMemory(row.Blob);
            wiped.Add(row with { Blob = noise });
        }

        await db.ExecuteAsync(
            "DELETE FROM connections WHERE tenant = @tenant AND seller_id = @seller" + (api is null ? ";" : " AND api = @api;"),
            ct,
            Text("tenant", tenant), Text("seller", sellerId), Text("api", api)).ConfigureAwait(false);
        await InsertAuditAsync(db, audit, ct).ConfigureAwait(false);
        await scope.CommitAsync(ct).ConfigureAwait(false);
        return wiped;
    }

    /// <summary>
    /// <c>VACUUM FULL connections</c>: rewrites the table into a new file holding only the live rows, so the
    /// dead versions of deleted and replaced blobs leave it (the old file is removed at the next checkpoint).
    /// It locks the table against reads and writes while it runs: a maintenance step for a quiet hour, or for
    /// tests, never something a request waits on. Plain VACUUM does not do this (see the class comment).
    /// Only the table's owner may run it: the owner's connection is used when one was given.
    /// </summary>
    public async Task RewriteConnectionsTableAsync(CancellationToken ct = default)
    {
        await using var db = await (_ownerDataSource ?? _dataSource).OpenConnectionAsync(ct).ConfigureAwait(false);
        const string File = "SELECT pg_relation_filenode('connections')::bigint;";
        var before = await db.ScalarAsync(File, ct).ConfigureAwait(false);
        await db.ExecuteAsync("VACUUM FULL connections;", ct).ConfigureAwait(false);

        // A role that may not vacuum the table gets a WARNING and VACUUM skips it: only a new file shows it ran.
        if (Equals(before, await db.ScalarAsync(File, ct).ConfigureAwait(false)))
        {
            throw new InvalidOperationException(
                $"VACUUM FULL skipped the connections table of the PostgreSQL database {Description}: this role does not own it. " +
                "Run it as the owner (VAULT_DATABASE_OWNER).");
        }
    }
}
