using System.Runtime.CompilerServices;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Extensions;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Storage;

namespace Vault.Api.Tokens;

/// <summary>
/// The one way the vault uses a stored token: open it with the caller's secret (key derivation behind the
/// <see cref="KdfGate"/>, wrong-secret guessing slowed per connection), upgrade weak records, and mint or
/// reuse access tokens. A cache hit costs an HMAC and a compare of the stored blob; no key derivation.
/// </summary>
public sealed class TokenAccess(
    IVaultStore store, VaultOptions options, KdfGate kdf, SecretGuessLimiter guesses, AccessTokenCache cache, LwaClient lwa, TimeProvider clock, ILogger<TokenAccess> logger)
{
    private static readonly TimeSpan TouchInterval = TimeSpan.FromMinutes(1);

    public async Task<OpenedToken> OpenAsync(HttpContext context, Connection connection, SellerSecret secret, CancellationToken ct)
    {
        var key = AccessTokenCache.KeyOf(connection);
        if (guesses.IsBlocked(key))
            return new(null, TokenFailure.RateLimited);
        var binding = new TokenBinding(connection.Tenant, connection.SellerId, connection.Api);
        var opened = await kdf.RunAsync(() => new StrongBox<OpenResult>(TokenEnvelope.Open(connection.Format, connection.Blob, secret, binding)), ct);
        if (opened is null)
            return new(null, TokenFailure.Busy);
        if (!opened.Value.Succeeded)
        {
            guesses.RecordFailure(key);
            if (opened.Value.Failure == OpenFailure.Corrupt)
                logger.LogError("stored record for {Connection} is corrupt", key);
            return new(null, opened.Value.Failure == OpenFailure.Corrupt ? TokenFailure.Corrupt : TokenFailure.SecretMismatch);
        }
        var token = opened.Value.Token!;
        var blob = TokenEnvelope.NeedsUpgrade(connection.Format, connection.Blob, options.Kdf)
            ? await UpgradeAsync(context, connection, token, secret, binding, ct)
            : connection.Blob;
        return new(token, TokenFailure.None, blob);
    }

    /// <summary>An access token for the connection: from the cache when this secret was verified before, else minted once for all concurrent callers.</summary>
    public async Task<AccessTokenResult> GetAccessTokenAsync(HttpContext context, Connection connection, SellerSecret secret, CancellationToken ct)
    {
        if (Find(connection, secret) is { } entry)
        {
            VaultMetrics.AccessTokenCacheHits.Inc();
            await TouchAsync(connection, entry);
            return new AccessTokenResult(entry.AccessToken, entry.RefreshAt + AccessTokenCache.RefreshMargin, TokenFailure.None);
        }
        VaultMetrics.AccessTokenCacheMisses.Inc();
        var verifier = new byte[AccessTokenCache.VerifierBytes];
        cache.Verifier(connection, secret, verifier);
        var flight = AccessTokenCache.KeyOf(connection) + "#" + Convert.ToHexString(verifier);
        // The flight is not tied to one caller's cancellation: others may be waiting on it.
        return await cache.SingleFlightAsync(flight, () => MintAsync(context, connection, secret, verifier, CancellationToken.None));
    }

    /// <summary>The cache entry a successful <see cref="GetAccessTokenAsync"/> left, for RDTs kept beside it.</summary>
    public AccessTokenCache.Entry? Entry(Connection connection, SellerSecret secret) => Find(connection, secret);

    private AccessTokenCache.Entry? Find(Connection connection, SellerSecret secret)
    {
        Span<byte> verifier = stackalloc byte[AccessTokenCache.VerifierBytes];
        cache.Verifier(connection, secret, verifier);
        return cache.Find(connection, verifier, clock.GetUtcNow());
    }

    public void Invalidate(string tenant, string sellerId, string? api = null) => cache.Invalidate(tenant, sellerId, api);

    private async Task<AccessTokenResult> MintAsync(HttpContext context, Connection connection, SellerSecret secret, byte[] verifier, CancellationToken ct)
    {
        var opened = await OpenAsync(context, connection, secret, ct);
        if (opened.Token is null)
            return AccessTokenResult.Failed(opened.Failure);
        var region = Region.Find(connection.Region)!;
        var result = await lwa.RefreshAsync(region, connection.Api, opened.Token.Value, ct);
        switch (result.Failure)
        {
            case LwaFailure.None:
                var now = clock.GetUtcNow();
                var expiresAt = now + TimeSpan.FromSeconds(result.ExpiresIn);
                // Tied to the blob this token was read from: if a rotation or re-import replaced it meanwhile, the entry is never found.
                var minted = connection with { Blob = opened.Blob! };
                var entry = cache.Store(minted, verifier, result.AccessToken!, expiresAt - AccessTokenCache.RefreshMargin);
                await TouchAsync(minted, entry);
                return new AccessTokenResult(result.AccessToken, expiresAt, TokenFailure.None);
            case LwaFailure.InvalidGrant:
                await store.SetStatusAsync(connection.Tenant, connection.SellerId, connection.Api, ConnectionStatus.ReauthorizationRequired,
                    context.Event(connection.Tenant, "connection.reauthorization_required", connection.SellerId, connection.Api, connection.Region), ct);
                cache.Invalidate(connection.Tenant, connection.SellerId, connection.Api);
                return AccessTokenResult.Failed(TokenFailure.ReauthorizationRequired);
            case LwaFailure.Timeout:
                return AccessTokenResult.Failed(TokenFailure.AmazonTimeout);
            default:
                logger.LogWarning("LWA refresh for {Connection} failed: {Failure} {AmazonCode}", AccessTokenCache.KeyOf(connection), result.Failure, result.AmazonCode);
                return AccessTokenResult.Failed(TokenFailure.AmazonError);
        }
    }

    /// <summary>Re-encrypts under the configured parameters; returns the blob the record holds afterwards.</summary>
    private async Task<byte[]> UpgradeAsync(HttpContext context, Connection connection, RefreshToken token, SellerSecret secret, TokenBinding binding, CancellationToken ct)
    {
        var sealedBlob = await kdf.RunAsync(() => TokenEnvelope.Seal(token.Value, secret, binding, options.Kdf), ct);
        if (sealedBlob is null)
            return connection.Blob; // busy: the record stays readable and is upgraded next time
        var replaced = await store.ReplaceBlobsAsync(connection.Tenant, connection.SellerId,
            [new BlobReplacement(connection.Api, connection.Blob, sealedBlob, TokenFormats.V1)],
            context.Event(connection.Tenant, "connection.upgraded", connection.SellerId, connection.Api, connection.Region, $"from {connection.Format}"), ct);
        if (!replaced)
            return connection.Blob; // someone else changed the record first; theirs stands
        logger.LogInformation("re-encrypted {Connection} under the configured KDF parameters", AccessTokenCache.KeyOf(connection));
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
