using System.Collections.Concurrent;
using Vault.Api.Amazon;
using Vault.Api.Tokens;

namespace Vault.Api.Grantless;

/// <summary>
/// Grantless access tokens of the vault's SP-API application (LWA <c>client_credentials</c> grant), one per region and
/// scope, in memory only. A token is reused until shortly before it expires (<see cref="AccessTokenCache.RefreshAtFor"/>);
/// callers that arrive while one is being minted share that one LWA call. No seller, secret or refresh token is involved,
/// so any part of the vault may ask: the grantless proxy, and the LWA client-secret rotation
/// (<c>rotateApplicationClientSecret</c> with <see cref="GrantlessOperations.ClientCredentialRotationScope"/>).
/// </summary>
public sealed class GrantlessTokens(LwaClient lwa, TimeProvider clock)
{
    private readonly ConcurrentDictionary<(string Region, string Scope), GrantlessToken> _tokens = new();
    private readonly SingleFlight<(string Region, string Scope), GrantlessToken> _minting = new();

    /// <summary>
    /// A live token for <paramref name="scope"/> in <paramref name="region"/>, from the cache or minted once for every
    /// concurrent caller. A failure is not cached: the next call asks LWA again. <paramref name="ct"/> stops this caller's
    /// wait only; the shared mint runs on for the others.
    /// </summary>
    public async Task<GrantlessToken> GetAsync(Region region, string scope, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(region);
        ArgumentException.ThrowIfNullOrEmpty(scope);
        var key = (region.Code, scope);
        if (Live(key) is { } cached)
            return cached;
        return await _minting.RunAsync(key, () => MintAsync(region, key)).WaitAsync(ct);
    }

    /// <summary>
    /// Forgets the cached token(s): all of them, or one region's and scope's. For a caller that knows a token went bad
    /// before its time (Amazon answered 401/403 to it, or the application's credentials changed).
    /// </summary>
    public void Invalidate(Region? region = null, string? scope = null)
    {
        foreach (var key in _tokens.Keys)
        {
            if ((region is null || key.Region == region.Code) && (scope is null || key.Scope == scope))
                _tokens.TryRemove(key, out _);
        }
    }

    /// <summary>How many tokens are cached (tests and diagnostics).</summary>
    public int Count => _tokens.Count;

    private GrantlessToken? Live((string, string) key) =>
        _tokens.TryGetValue(key, out var token) && token.RefreshAt > clock.GetUtcNow() ? token : null;

    private async Task<GrantlessToken> MintAsync(Region region, (string Region, string Scope) key)
    {
        // A flight that started just after another stored its token finds it here instead of asking LWA again.
        if (Live(key) is { } stored)
            return stored;
        var result = await lwa.ClientCredentialsAsync(region, key.Scope, CancellationToken.None);
        if (!result.Succeeded)
            return GrantlessToken.Failed(result.Failure, result.AmazonCode);
        var now = clock.GetUtcNow();
        var lifetime = TimeSpan.FromSeconds(result.ExpiresIn);
        var token = new GrantlessToken(result.AccessToken, now + lifetime, AccessTokenCache.RefreshAtFor(now, lifetime), LwaFailure.None);
        _tokens[key] = token;
        return token;
    }
}
