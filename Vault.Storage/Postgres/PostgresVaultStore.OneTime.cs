using Npgsql;
using static Vault.Storage.Postgres.PostgresCommands;

namespace Vault.Storage.Postgres;

/// <summary>Single-use ids (OAuth state, tickets): consumed by one conditional UPDATE, so exactly once across instances.</summary>
public sealed partial class PostgresVaultStore
{
    // Expired ids are kept a day so that a replay shortly after expiry is still recognised in the table.
    private static readonly TimeSpan PurgeAfterExpiry = TimeSpan.FromDays(1);

    public async Task CreateOneTimeAsync(string kind, string id, DateTimeOffset expiresAt, CancellationToken ct = default)
    {
        await using var db = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await db.BeginTransactionAsync(ct).ConfigureAwait(false);
        await db.ExecuteAsync(
            "DELETE FROM oauth_one_time WHERE expires_at < @cutoff;",
            ct,
            Time("cutoff", DateTimeOffset.UtcNow - PurgeAfterExpiry)).ConfigureAwait(false);
        try
        {
            await db.ExecuteAsync(
                "INSERT INTO oauth_one_time (kind, id, expires_at, consumed_at) VALUES (@kind, @id, @expires, NULL);",
                ct,
                Text("kind", kind), Text("id", id), Time("expires", expiresAt)).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The id itself stays out of the message (PostgreSQL's detail names the key): it may be a live OAuth state.
            throw new InvalidOperationException($"A one-time id of kind '{kind}' with this value already exists.");
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task<bool> ConsumeOneTimeAsync(string kind, string id, DateTimeOffset now, CancellationToken ct = default)
    {
        // Of concurrent consumers on any instances, the first UPDATE locks the row; the others wait for it and
        // then re-check the WHERE on the consumed version, which no longer matches. RETURNING names the winner.
        await using var db = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var consumed = await db.ScalarAsync(
            """
            UPDATE oauth_one_time SET consumed_at = @now
            WHERE kind = @kind AND id = @id AND consumed_at IS NULL AND expires_at > @now
            RETURNING 1;
            """,
            ct,
            Time("now", now), Text("kind", kind), Text("id", id)).ConfigureAwait(false);
        return consumed is not null;
    }
}
