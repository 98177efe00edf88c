using Npgsql;
using static Vault.Storage.Postgres.PostgresCommands;

namespace Vault.Storage.Postgres;

/// <summary>
/// Single-use ids (OAuth tickets and states) and the sealed pending authorization each holds: taken by one DELETE, so
/// exactly once across instances, and deleted the moment they are used or purged. PostgreSQL keeps a deleted row's
/// bytes in the table file until VACUUM reuses the space (as for deleted connections; README, "Deleted tokens").
/// </summary>
public sealed partial class PostgresVaultStore
{
    public async Task CreateOneTimeAsync(string kind, string id, DateTimeOffset expiresAt, byte[] payload, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        await using var db = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            await db.ExecuteAsync(
                "INSERT INTO oauth_one_time (kind, id, expires_at, payload) VALUES (@kind, @id, @expires, @payload);",
                ct,
                Text("kind", kind), Text("id", id), Time("expires", expiresAt), Bytes("payload", payload)).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The id itself stays out of the message (PostgreSQL's detail names the key): it may be a live OAuth state.
            throw new InvalidOperationException($"A one-time id of kind '{kind}' with this value already exists.");
        }
    }

    public async Task<byte[]?> TakeOneTimeAsync(string kind, string id, DateTimeOffset now, CancellationToken ct = default)
    {
        // Of concurrent takers on any instances, the first DELETE locks the row; the others wait for it and then
        // find the row gone. RETURNING hands the payload to the winner only, and only while the id is live.
        await using var db = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var payload = await db.ScalarAsync(
            """
            DELETE FROM oauth_one_time WHERE kind = @kind AND id = @id
            RETURNING CASE WHEN expires_at > @now THEN payload END;
            """,
            ct,
            Text("kind", kind), Text("id", id), Time("now", now)).ConfigureAwait(false);
        return payload as byte[];
    }

    public async Task<int> PurgeExpiredOneTimeAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        await using var db = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        return await db.ExecuteAsync("DELETE FROM oauth_one_time WHERE expires_at <= @now;", ct, Time("now", now)).ConfigureAwait(false);
    }
}
