using Microsoft.Data.Sqlite;

namespace Vault.Storage.Sqlite;

/// <summary>Single-use ids (OAuth state, tickets): consumed by one conditional UPDATE, so exactly once.</summary>
public sealed partial class SqliteVaultStore
{
    private const int SqliteConstraint = 19;

    // Expired ids are kept a day so that a replay shortly after expiry is still recognised in the table.
    private static readonly TimeSpan PurgeAfterExpiry = TimeSpan.FromDays(1);

    public async Task CreateOneTimeAsync(string kind, string id, DateTimeOffset expiresAt, CancellationToken ct = default)
    {
        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = db.BeginTransaction(deferred: false);
        await db.ExecuteAsync(
            "DELETE FROM oauth_one_time WHERE expires_at < @cutoff;",
            ct,
            ("@cutoff", UnixMilliseconds.From(DateTimeOffset.UtcNow - PurgeAfterExpiry))).ConfigureAwait(false);
        try
        {
            await db.ExecuteAsync(
                "INSERT INTO oauth_one_time (kind, id, expires_at, consumed_at) VALUES (@kind, @id, @expires, NULL);",
                ct,
                ("@kind", kind), ("@id", id), ("@expires", UnixMilliseconds.From(expiresAt))).ConfigureAwait(false);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteConstraint)
        {
            // The id itself stays out of the message: it may be a live OAuth state.
            throw new InvalidOperationException($"A one-time id of kind '{kind}' with this value already exists.", e);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task<bool> ConsumeOneTimeAsync(string kind, string id, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var db = await _database.OpenAsync(ct).ConfigureAwait(false);
        var consumed = await db.ExecuteAsync(
            """
            UPDATE oauth_one_time SET consumed_at = @now
            WHERE kind = @kind AND id = @id AND consumed_at IS NULL AND expires_at > @now;
            """,
            ct,
            ("@now", UnixMilliseconds.From(now)), ("@kind", kind), ("@id", id)).ConfigureAwait(false);
        return consumed == 1;
    }
}
