using System.Collections.Concurrent;

namespace Vault.AmazonSimulator.Lwa;

/// <summary>A refresh token: who it belongs to and whether the seller has revoked it.</summary>
public sealed record RefreshTokenGrant(string ClientId, string? SellingPartnerId, string? Scope, bool Revoked);

/// <summary>An access token. Grantless tokens (client_credentials) have no selling partner.</summary>
public sealed record AccessTokenGrant(
    string ClientId,
    string? SellingPartnerId,
    string? Scope,
    bool Grantless,
    DateTimeOffset ExpiresAt);

/// <summary>Refresh and access tokens minted by the simulated LWA.</summary>
public sealed class TokenStore(TimeProvider time, TimeSpan accessTokenLifetime)
{
    /// <summary>See <see cref="SimulatorOptions.AccessTokenLifetime"/>.</summary>
    public TimeSpan AccessTokenLifetime { get; } = accessTokenLifetime;

    private readonly ConcurrentDictionary<string, RefreshTokenGrant> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AccessTokenGrant> _accessTokens = new(StringComparer.Ordinal);

    public string IssueRefreshToken(string clientId, string? sellingPartnerId, string? scope = null)
    {
        var token = TokenValues.NewRefreshToken();
        _refreshTokens[token] = new RefreshTokenGrant(clientId, sellingPartnerId, scope, Revoked: false);
        return token;
    }

    public string IssueAccessToken(string clientId, string? sellingPartnerId, string? scope, bool grantless = false)
    {
        var token = TokenValues.NewAccessToken();
        _accessTokens[token] = new AccessTokenGrant(clientId, sellingPartnerId, scope, grantless, time.GetUtcNow() + AccessTokenLifetime);
        return token;
    }

    public RefreshTokenGrant? FindRefreshToken(string token) =>
        _refreshTokens.TryGetValue(token, out var grant) ? grant : null;

    /// <summary>Returns true when the token was known (and is now revoked).</summary>
    public bool Revoke(string refreshToken)
    {
        while (_refreshTokens.TryGetValue(refreshToken, out var grant))
        {
            if (_refreshTokens.TryUpdate(refreshToken, grant with { Revoked = true }, grant))
            {
                return true;
            }
        }

        return false;
    }

    public AccessTokenGrant? FindAccessToken(string? token) =>
        token is not null && _accessTokens.TryGetValue(token, out var grant) ? grant : null;

    public bool IsExpired(AccessTokenGrant grant) => time.GetUtcNow() >= grant.ExpiresAt;

    /// <summary>Expires every access token now, for out-of-process tests that cannot move the clock.</summary>
    public void ExpireAllAccessTokens()
    {
        var now = time.GetUtcNow();
        foreach (var (token, grant) in _accessTokens)
        {
            _accessTokens.TryUpdate(token, grant with { ExpiresAt = now }, grant);
        }
    }

    public int RefreshTokenCount => _refreshTokens.Count;

    public int AccessTokenCount => _accessTokens.Count;

    public void Clear()
    {
        _refreshTokens.Clear();
        _accessTokens.Clear();
    }
}
