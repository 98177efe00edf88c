using System.Security.Cryptography;
using System.Text;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Crypto;
using Vault.Storage;

namespace Vault.Api.ClientSecrets;

/// <summary>
/// The SP-API client secret Amazon rotated, kept in the app-wide row sealed (AES-256-GCM under an HKDF key of
/// VAULT_APP_SECRET_KEY, <see cref="PayloadSealer"/>), and handed to <see cref="LwaClientSecrets"/>: at once by the
/// instance that stored it, within a poll by every other. Also where a rotation is claimed, once per
/// <see cref="ClaimWindow"/> across instances, and requested.
/// https://developer-docs.amazon.com/sp-api/docs/rotate-your-application-client-secret
/// </summary>
public sealed partial class StoredClientSecrets(
    IAppClientSecretStore store, LwaClientSecrets secrets, IClientSecretRotator rotator, VaultOptions options, TimeProvider time, ILogger<StoredClientSecrets> logger) : IDisposable
{
    /// <summary>After a claim, no other rotation for this long: time enough for Amazon's new secret to arrive, and a retry a day after a failure.</summary>
    public static readonly TimeSpan ClaimWindow = TimeSpan.FromDays(1);

    private static readonly AmazonApi Api = AmazonApi.SpApi;
    private readonly PayloadSealer _sealer = new(options.AppSecretKey ?? throw new InvalidOperationException("VAULT_APP_SECRET_KEY is not set"), "lwa-client-secret/" + Api.Name);
    private (long Version, bool OldDropped) _applied = (-1, false);

    public TimeSpan RotateBefore => TimeSpan.FromDays(options.RotateBeforeDays);

    /// <summary>
    /// Stores the secret of an APPLICATION_OAUTH_CLIENT_NEW_SECRET notification with the one in use now (Amazon keeps that one
    /// valid until <paramref name="oldExpiresAt"/>), durably, then uses it. Returns only once the row is committed, so the
    /// caller may delete the message. A redelivered notification finds its secret stored already and changes nothing.
    /// </summary>
    public async Task StoreNewAsync(string newSecret, DateTimeOffset? newExpiresAt, DateTimeOffset? oldExpiresAt, CancellationToken ct)
    {
        var row = await store.GetAppClientSecretAsync(Api.Name, ct);
        if (Open(row?.SealedSecret) is { } stored && Same(stored, newSecret))
        {
            Apply(row!);
            return;
        }
        var replaced = secrets.For(Api).Chosen?.Value;
        await store.SaveAppClientSecretAsync(Api.Name, _sealer.Seal(Encoding.UTF8.GetBytes(newSecret)), newExpiresAt,
            replaced is null ? null : _sealer.Seal(Encoding.UTF8.GetBytes(replaced)), oldExpiresAt, time.GetUtcNow(), ct);
        secrets.UseRotated(Api, newSecret, replaced);
        Stored(logger, Api.Name, newExpiresAt, oldExpiresAt);
    }

    /// <summary>Reads the row and uses a secret stored since the last look (by any instance); drops the replaced one once it expired.</summary>
    public async Task<StoredAppClientSecret?> RefreshAsync(CancellationToken ct)
    {
        var row = await store.GetAppClientSecretAsync(Api.Name, ct);
        if (row is not null)
            Apply(row);
        return row;
    }

    /// <summary>False for a late notice about a secret that a stored rotation already replaced: nothing to rotate.</summary>
    public Task<bool> RecordExpiryAsync(DateTimeOffset expiresAt, CancellationToken ct) => store.RecordAppClientSecretExpiryAsync(Api.Name, expiresAt, time.GetUtcNow(), ct);

    public bool RotationDue(StoredAppClientSecret? row) => row?.SecretExpiresAt is { } expires && expires - time.GetUtcNow() <= RotateBefore;

    /// <summary>Claims this window's rotation and, if this caller won it, asks Amazon. False only when the call to Amazon failed.</summary>
    public async Task<bool> RequestRotationAsync(string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!await store.TryClaimRotationAsync(Api.Name, now, now - ClaimWindow, ct))
        {
            AlreadyClaimed(logger, reason);
            return true;
        }
        var requested = await rotator.RotateAsync(ct);
        RotationRequested(logger, reason, requested);
        return requested;
    }

    private void Apply(StoredAppClientSecret row)
    {
        var oldDropped = row.OldSecretExpiresAt is { } oldExpires && oldExpires <= time.GetUtcNow();
        if (row.SealedSecret is null || (row.Version, oldDropped) == _applied)
            return;
        var secret = Open(row.SealedSecret);
        if (secret is null)
        {
            Unreadable(logger, Api.Name, row.Version);
            return;
        }
        secrets.UseRotated(Api, secret, oldDropped ? null : Open(row.SealedOldSecret));
        _applied = (row.Version, oldDropped);
    }

    private string? Open(string? sealedSecret)
    {
        if (sealedSecret is null || _sealer.Unseal(sealedSecret) is not { } bytes)
            return null;
        try
        {
            return Encoding.UTF8.GetString(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    private static bool Same(string a, string b) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    public void Dispose() => _sealer.Dispose();

    [LoggerMessage(EventId = 1603, Level = LogLevel.Information,
        Message = "Stored the {Api} client secret from Amazon's rotation notification (expires {NewExpiresAt:O}; the replaced one works until {OldExpiresAt:O})")]
    private static partial void Stored(ILogger logger, string api, DateTimeOffset? newExpiresAt, DateTimeOffset? oldExpiresAt);

    [LoggerMessage(EventId = 1604, Level = LogLevel.Error,
        Message = "The stored {Api} client secret (version {Version}) does not open under VAULT_APP_SECRET_KEY: was the key changed? The configured secrets stay in use")]
    private static partial void Unreadable(ILogger logger, string api, long version);

    [LoggerMessage(EventId = 1605, Level = LogLevel.Information, Message = "Client-secret rotation ({Reason}) already claimed in this window, by this or another instance")]
    private static partial void AlreadyClaimed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1606, Level = LogLevel.Information, Message = "Client-secret rotation ({Reason}) requested from Amazon: {Accepted}")]
    private static partial void RotationRequested(ILogger logger, string reason, bool accepted);
}
