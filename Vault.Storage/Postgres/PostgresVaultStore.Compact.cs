using static Vault.Storage.Postgres.PostgresCommands;

namespace Vault.Storage.Postgres;

/// <summary>
/// Where deleted and replaced blobs go on PostgreSQL (the paths that destroy them are in AdoVaultStore.Blobs.cs).
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
    public override async Task<CompactResult> CompactAsync(CancellationToken ct = default)
    {
        await RewriteConnectionsTableAsync(ct).ConfigureAwait(false);
        return new CompactResult(true, "the connections table was rewritten (VACUUM FULL)");
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
