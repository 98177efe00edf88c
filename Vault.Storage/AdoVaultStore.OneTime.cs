using System.Data.Common;

namespace Vault.Storage;

/// <summary>
/// Single-use ids (OAuth tickets and states) and the sealed pending authorization each holds: taken by one DELETE, so
/// exactly once across instances, and deleted the moment they are used or purged (on SQLite also from the WAL, best
/// effort; PostgreSQL keeps a deleted row's bytes in the table file until VACUUM reuses the space: README, "Deleted tokens").
/// </summary>
public abstract partial class AdoVaultStore
{
    public async Task CreateOneTimeAsync(string kind, string id, DateTimeOffset expiresAt, byte[] payload, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        try
        {
            await _sql.ExecuteAsync(
                null,
                "INSERT INTO oauth_one_time (kind, id, expires_at, payload) VALUES (@kind, @id, @expires, @payload);",
                [_sql.Text("kind", kind), _sql.Text("id", id), _sql.Time("expires", expiresAt), _sql.Bytes("payload", payload)],
                ct).ConfigureAwait(false);
        }
        catch (DbException e) when (_sql.IsUniqueViolation(e))
        {
            // The id itself stays out of the message (and the database's error, which may name the key, is not kept): it may be a live OAuth state.
            throw new InvalidOperationException($"A one-time id of kind '{kind}' with this value already exists.");
        }
    }

    public async Task<byte[]?> TakeOneTimeAsync(string kind, string id, DateTimeOffset now, CancellationToken ct = default)
    {
        // Of concurrent takers on any instances, the first DELETE locks the row; the others wait for it and then
        // find the row gone. RETURNING hands the payload to the winner only, and only while the id is live.
        await using var transaction = await _sql.BeginAsync(null, ct).ConfigureAwait(false);
        List<byte[]?> taken;
        await using (var command = StoreDialect.Command(
            transaction.Connection,
            """
            DELETE FROM oauth_one_time WHERE kind = @kind AND id = @id
            RETURNING CASE WHEN expires_at > @now THEN payload END;
            """,
            _sql.Text("kind", kind), _sql.Text("id", id), _sql.Time("now", now)))
        {
            taken = await StoreDialect.ReadAllAsync(command, row => row.IsDBNull(0) ? null : row.GetFieldValue<byte[]>(0), ct).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        if (taken.Count > 0)
        {
            await _sql.AfterWipeAsync(transaction).ConfigureAwait(false);
        }

        return taken.Count > 0 ? taken[0] : null;
    }

    public async Task<int> PurgeExpiredOneTimeAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var transaction = await _sql.BeginAsync(null, ct).ConfigureAwait(false);
        var purged = await StoreDialect.ExecuteAsync(
            transaction.Connection, "DELETE FROM oauth_one_time WHERE expires_at <= @now;", ct, _sql.Time("now", now)).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        if (purged > 0)
        {
            await _sql.AfterWipeAsync(transaction).ConfigureAwait(false);
        }

        return purged;
    }
}
