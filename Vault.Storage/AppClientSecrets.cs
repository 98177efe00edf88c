namespace Vault.Storage;

/// <summary>
/// The application's LWA client secret as Amazon rotated it (issue 16), one row per API. The secrets arrive sealed by
/// the caller under VAULT_APP_SECRET_KEY; the store never sees them in the clear. <see cref="Version"/> grows with every
/// stored secret, so instances polling the row notice a new one.
/// </summary>
public sealed record StoredAppClientSecret(
    string Api,
    string? SealedSecret,
    DateTimeOffset? SecretExpiresAt,
    string? SealedOldSecret,
    DateTimeOffset? OldSecretExpiresAt,
    long Version,
    DateTimeOffset? RotationClaimedAt,
    DateTimeOffset UpdatedAt)
{
    public override string ToString() =>
        $"StoredAppClientSecret {{ Api = {Api}, Version = {Version}, SecretExpiresAt = {SecretExpiresAt:O}, OldSecretExpiresAt = {OldSecretExpiresAt:O}, RotationClaimedAt = {RotationClaimedAt:O} }}";
}

/// <summary>
/// App-wide rows, not a tenant's: the vault has one LWA application per API, shared by every tenant. Implemented by
/// <see cref="AdoVaultStore"/> for SQLite and PostgreSQL.
/// </summary>
public interface IAppClientSecretStore
{
    Task<StoredAppClientSecret?> GetAppClientSecretAsync(string api, CancellationToken ct = default);

    /// <summary>Stores a newly published secret and the one it replaces (both sealed), durably, and bumps the version.</summary>
    Task SaveAppClientSecretAsync(string api, string sealedSecret, DateTimeOffset? secretExpiresAt, string? sealedOldSecret, DateTimeOffset? oldSecretExpiresAt, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>
    /// Records when the secret in use expires, as Amazon announced it (APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY). False, and
    /// nothing written, for a late notice about a secret a stored rotation already replaced (one that expires before it).
    /// </summary>
    Task<bool> RecordAppClientSecretExpiryAsync(string api, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>
    /// Claims the right to ask Amazon for a rotation: true for exactly one caller across instances while the last claim is
    /// older than <paramref name="claimedBefore"/> (one conditional UPDATE; concurrent claimers wait on the row lock and then find it taken).
    /// </summary>
    Task<bool> TryClaimRotationAsync(string api, DateTimeOffset now, DateTimeOffset claimedBefore, CancellationToken ct = default);
}
