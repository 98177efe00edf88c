namespace Vault.Storage;

/// <summary>The app-wide client-secret rows (<see cref="IAppClientSecretStore"/>): no tenant, so no row-level security either.</summary>
public abstract partial class AdoVaultStore : IAppClientSecretStore
{
    private const string AppSecretColumns =
        "api, sealed_secret, secret_expires_at, sealed_old_secret, old_secret_expires_at, version, rotation_claimed_at, updated_at";

    public async Task<StoredAppClientSecret?> GetAppClientSecretAsync(string api, CancellationToken ct = default)
    {
        await using var transaction = await _sql.BeginAsync(null, ct).ConfigureAwait(false);
        await using var command = StoreDialect.Command(
            transaction.Connection, $"SELECT {AppSecretColumns} FROM app_client_secrets WHERE api = @api;", _sql.Text("api", api));
        var rows = await StoreDialect.ReadAllAsync(command, row => new StoredAppClientSecret(
            row.GetString(0),
            row.IsDBNull(1) ? null : row.GetString(1),
            row.IsDBNull(2) ? null : _sql.ReadTime(row, 2),
            row.IsDBNull(3) ? null : row.GetString(3),
            row.IsDBNull(4) ? null : _sql.ReadTime(row, 4),
            row.GetInt64(5),
            row.IsDBNull(6) ? null : _sql.ReadTime(row, 6),
            _sql.ReadTime(row, 7)), ct).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    public async Task SaveAppClientSecretAsync(
        string api, string sealedSecret, DateTimeOffset? secretExpiresAt, string? sealedOldSecret, DateTimeOffset? oldSecretExpiresAt, DateTimeOffset now, CancellationToken ct = default)
    {
        await _sql.ExecuteAsync(
            null,
            """
            INSERT INTO app_client_secrets (api, sealed_secret, secret_expires_at, sealed_old_secret, old_secret_expires_at, version, updated_at)
            VALUES (@api, @secret, @expires, @old, @oldExpires, 1, @now)
            ON CONFLICT (api) DO UPDATE SET
                sealed_secret = excluded.sealed_secret, secret_expires_at = excluded.secret_expires_at,
                sealed_old_secret = excluded.sealed_old_secret, old_secret_expires_at = excluded.old_secret_expires_at,
                version = app_client_secrets.version + 1, updated_at = excluded.updated_at;
            """,
            [_sql.Text("api", api), _sql.Text("secret", sealedSecret), _sql.Time("expires", secretExpiresAt), _sql.Text("old", sealedOldSecret),
             _sql.Time("oldExpires", oldSecretExpiresAt), _sql.Time("now", now)],
            ct).ConfigureAwait(false);
    }

    public async Task<bool> RecordAppClientSecretExpiryAsync(string api, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct = default)
    {
        return await _sql.ExecuteAsync(
            null,
            """
            INSERT INTO app_client_secrets (api, secret_expires_at, version, updated_at) VALUES (@api, @expires, 0, @now)
            ON CONFLICT (api) DO UPDATE SET secret_expires_at = excluded.secret_expires_at, updated_at = excluded.updated_at
            WHERE app_client_secrets.sealed_secret IS NULL OR app_client_secrets.secret_expires_at IS NULL
               OR excluded.secret_expires_at >= app_client_secrets.secret_expires_at;
            """,
            [_sql.Text("api", api), _sql.Time("expires", expiresAt), _sql.Time("now", now)],
            ct).ConfigureAwait(false) == 1;
    }

    public async Task<bool> TryClaimRotationAsync(string api, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken ct = default)
    {
        await using var transaction = await _sql.BeginAsync(null, ct).ConfigureAwait(false);
        await StoreDialect.ExecuteAsync(
            transaction.Connection,
            "INSERT INTO app_client_secrets (api, version, updated_at) VALUES (@api, 0, @now) ON CONFLICT (api) DO NOTHING;",
            ct, _sql.Text("api", api), _sql.Time("now", now)).ConfigureAwait(false);
        var claimed = await StoreDialect.ExecuteAsync(
            transaction.Connection,
            """
            UPDATE app_client_secrets SET rotation_claimed_at = @now
            WHERE api = @api AND (rotation_claimed_at IS NULL OR rotation_claimed_at < @before);
            """,
            ct, _sql.Text("api", api), _sql.Time("now", now), _sql.Time("before", claimedBefore)).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return claimed == 1;
    }
}
