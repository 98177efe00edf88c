using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Observability;
using Vault.Api.Sellers;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Storage;

namespace Vault.Api.Tokens;

/// <summary>
/// The one way the vault uses a stored token: open it with the caller's secret (key derivation behind the
/// <see cref="KdfGate"/>, wrong-secret guessing slowed per connection), upgrade weak records, and mint or
/// reuse access tokens. A cache hit costs an HMAC and a compare of the stored blob; no key derivation.
/// </summary>
public sealed class ConnectionTokens(
    IVaultStore store, VaultOptions options, KdfGate kdf, TokenSealer sealer, SecretGuessLimiter guesses, AccessTokenCache cache, LwaClient lwa,
    TimeProvider clock, VaultMetrics metrics, ILogger<ConnectionTokens> logger)
{
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    public async Task<OpenedToken> OpenAsync(AuditActor caller, Connection connection, SellerSecret secret, CancellationToken ct)
    {
        var verifier = new byte[AccessTokenCache.VerifierBytes];
        cache.Verifier(connection, secret, verifier);
        return await OpenAsync(caller, connection, secret, verifier, ct);
    }

    private async Task<OpenedToken> OpenAsync(AuditActor caller, Connection connection, SellerSecret secret, byte[] verifier, CancellationToken ct)
    {
        var key = AccessTokenCache.KeyOf(connection);
        // The secret that last opened this token is no guess; any other secret takes a try before anything is derived.
        var proven = cache.IsProven(connection, verifier);
        var window = default(DateTimeOffset);
        if (!proven && !guesses.TryTake(key, out window))
            return new(null, TokenFailure.RateLimited);
        var wrongGuess = false;
        try
        {
            var binding = new TokenBinding(connection.Tenant, connection.SellerId, connection.Api);
            var (ran, opened) = await kdf.RunAsync(connection.Tenant, () => TokenEnvelope.Open(connection.Format, connection.Blob, secret, binding), ct);
            if (!ran)
                return new(null, TokenFailure.Busy);
            if (!opened.Succeeded)
            {
                wrongGuess = true;
                cache.ForgetProven(connection, verifier);
                if (opened.Failure == OpenFailure.Corrupt)
                    ConnectionTokensLog.RecordCorrupt(logger, connection.Tenant, connection.SellerId, connection.Api);
                return new(null, opened.Failure == OpenFailure.Corrupt ? TokenFailure.Corrupt : TokenFailure.SecretMismatch);
            }
            cache.RememberProven(connection, verifier);
            var token = opened.Token!;
            var blob = TokenEnvelope.NeedsUpgrade(connection.Format, connection.Blob, options.Kdf)
                ? await UpgradeAsync(caller, connection, token, secret, binding, ct)
                : connection.Blob;
            return new(token, TokenFailure.None, blob);
        }
        finally
        {
            if (!proven && !wrongGuess)
                guesses.Return(key, window);
        }
    }

    /// <summary>
    /// An access token for the connection, with the cache entry that holds it (and its RDTs): from the cache when this
    /// secret was verified before, else minted once for all concurrent callers.
    /// </summary>
    public async Task<AccessTokenResult> GetAccessTokenAsync(AuditActor caller, Connection connection, SellerSecret secret, CancellationToken ct)
    {
        Span<byte> probe = stackalloc byte[AccessTokenCache.VerifierBytes];
        cache.Verifier(connection, secret, probe);
        if (cache.Find(connection, probe, clock.GetUtcNow()) is { } entry)
        {
            metrics.AccessTokenCacheHit();
            await TouchAsync(connection, entry);
            return new AccessTokenResult(entry, TokenFailure.None);
        }
        metrics.AccessTokenCacheMiss();
        var verifier = probe.ToArray();
        var result = await cache.GetOrMintAsync(connection, verifier, clock, () => MintAsync(caller, connection, secret, verifier, CancellationToken.None));
        if (result.Entry is { } minted)
            await TouchAsync(connection, minted);
        return result;
    }

    public void Invalidate(string tenant, string sellerId, string? api = null) => cache.Invalidate(tenant, sellerId, api);

    private async Task<AccessTokenResult> MintAsync(AuditActor caller, Connection connection, SellerSecret secret, byte[] verifier, CancellationToken ct)
    {
        var opened = await OpenAsync(caller, connection, secret, verifier, ct);
        if (opened.Token is null)
            return AccessTokenResult.Failed(opened.Failure);
        var region = Region.Find(connection.Region)!;
        var result = await lwa.RefreshAsync(region, AmazonApi.Find(connection.Api)!, opened.Token.Value, ct);
        switch (result.Failure)
        {
            case LwaFailure.None:
                var now = clock.GetUtcNow();
                var lifetime = TimeSpan.FromSeconds(result.ExpiresIn);
                // Tied to the blob this token was read from: if a rotation or re-import replaced it meanwhile, the entry is
                // never found again. This request uses the entry it made, whatever the row holds now.
                var entry = cache.Store(connection with { Blob = opened.Blob! }, verifier, result.AccessToken!, now + lifetime, AccessTokenCache.RefreshAtFor(now, lifetime));
                return new AccessTokenResult(entry, TokenFailure.None);
            case LwaFailure.InvalidGrant:
                await store.SetStatusAsync(connection.Tenant, connection.SellerId, connection.Api, ConnectionStatus.ReauthorizationRequired,
                    caller.Event(connection.Tenant, "connection.reauthorization_required", connection.SellerId, connection.Api, connection.Region), ct);
                cache.Invalidate(connection.Tenant, connection.SellerId, connection.Api);
                return AccessTokenResult.Failed(TokenFailure.ReauthorizationRequired);
            case LwaFailure.Timeout:
                return AccessTokenResult.Failed(TokenFailure.AmazonTimeout);
            default:
                ConnectionTokensLog.RefreshFailed(logger, connection.Tenant, connection.SellerId, connection.Api, result.Failure, result.AmazonCode);
                return AccessTokenResult.Failed(TokenFailure.AmazonError);
        }
    }

    /// <summary>Re-encrypts under the configured parameters; returns the blob the record holds afterwards.</summary>
    private async Task<byte[]> UpgradeAsync(AuditActor caller, Connection connection, RefreshToken token, SellerSecret secret, TokenBinding binding, CancellationToken ct)
    {
        var sealedBlob = await sealer.SealAsync(token.Value, secret, binding, ct);
        if (sealedBlob is null)
            return connection.Blob; // busy: the record stays readable and is upgraded next time
        var replaced = await store.ReplaceBlobsAsync(connection.Tenant, connection.SellerId,
            [new BlobReplacement(connection.Api, connection.Blob, sealedBlob, TokenFormats.V1)],
            caller.Event(connection.Tenant, "connection.upgraded", connection.SellerId, connection.Api, connection.Region, $"from {connection.Format}"), ct);
        if (!replaced)
            return connection.Blob; // someone else changed the record first; theirs stands
        ConnectionTokensLog.ReEncrypted(logger, connection.Tenant, connection.SellerId, connection.Api);
        return sealedBlob;
    }

    private async Task TouchAsync(Connection connection, AccessTokenCache.Entry entry)
    {
        // One write a minute per connection at most: the warm path must not wait on an fsync per call.
        var now = clock.GetUtcNow();
        if (entry.ClaimTouch(now, TouchInterval))
            await store.TouchLastUsedAsync(connection.Tenant, connection.SellerId, connection.Api, now);
    }
}
