using Microsoft.Data.Sqlite;

namespace Vault.Storage.Sqlite;

/// <summary>
/// Single-use ids (OAuth tickets and states) and the sealed pending authorization each holds: taken by one DELETE, so
/// exactly once, and gone from the table (and, best effort, from the WAL) the moment they are used or purged.
/// </summary>
public sealed partial class SqliteVaultStore
{
    private const int SqliteConstraint = 19;

    public async Task CreateOneTimeAsync(string kind, string id, DateTimeOffset expiresAt, byte[] payload, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        try
        {
            await db.ExecuteAsync(
                "INSERT INTO oauth_one_time (kind, id, expires_at, payload) VALUES (@kind, @id, @expires, @payload);",
                ct,
                ("@kind", kind), ("@id", id), ("@expires", UnixMilliseconds.From(expiresAt)), ("@payload", payload)).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            // The id itself stays out of the message: it may be a live OAuth state.
            throw new InvalidOperationException($"A one-time id of kind '{kind}' with this value already exists.", e);
        }
    }

    public async Task<byte[]?> TakeOneTimeAsync(string kind, string id, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        byte[]? payload = null;
        var deleted = false;
        await using (var transaction = db.BeginTransaction(deferred: false))
        {
            using var command = db.Command(
                """
                DELETE FROM oauth_one_time WHERE kind = @kind AND id = @id
                RETURNING CASE WHEN expires_at > @now THEN payload END;
                """,
                ("@kind", kind), ("@id", id), ("@now", UnixMilliseconds.From(now)));
            await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    deleted = true;
                    payload = reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0);
                }
            }

            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }

        if (deleted)
        {
            await SqliteDatabase.TryTruncateWalAsync(db, CancellationToken.None).ConfigureAwait(false);
        }

        return payload;
    }

    public async Task<int> PurgeExpiredOneTimeAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        var purged = await db.ExecuteAsync(
            "DELETE FROM oauth_one_time WHERE expires_at <= @now;",
            ct,
            ("@now", UnixMilliseconds.From(now))).ConfigureAwait(false);
        if (purged > 0)
        {
            await SqliteDatabase.TryTruncateWalAsync(db, CancellationToken.None).ConfigureAwait(false);
        }

        return purged;
    }
}
