using System.Collections.Concurrent;

namespace Vault.AmazonSimulator.Lwa;

/// <summary>What a code was issued for; the token endpoint checks each part on redemption.</summary>
public sealed record AuthorizationCodeGrant(
    string ClientId,
    string RedirectUri,
    string? SellingPartnerId,
    string? Scope,
    DateTimeOffset ExpiresAt);

public enum CodeRedemption
{
    Redeemed,
    Unknown,
    Expired,
    WrongClient,
    WrongRedirectUri,
}

/// <summary>
/// LWA authorization codes (<c>code</c> and <c>spapi_oauth_code</c>): single use, bound to one client
/// and redirect URI, valid for five minutes
/// (https://developer-docs.amazon.com/sp-api/docs/website-authorization-workflow).
/// </summary>
public sealed class AuthorizationCodes(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, AuthorizationCodeGrant> _codes = new(StringComparer.Ordinal);

    public string Issue(string clientId, string redirectUri, string? sellingPartnerId, string? scope)
    {
        var code = TokenValues.NewAuthorizationCode();
        _codes[code] = new AuthorizationCodeGrant(clientId, redirectUri, sellingPartnerId, scope, time.GetUtcNow() + Lifetime);
        return code;
    }

    /// <summary>
    /// Checks the code, then removes it atomically so that two concurrent exchanges cannot both win.
    /// A presentation by the wrong client does not burn the code: only its owner can spend it.
    /// </summary>
    public CodeRedemption Redeem(string code, string clientId, string? redirectUri, out AuthorizationCodeGrant? grant)
    {
        grant = null;
        if (!_codes.TryGetValue(code, out var found))
        {
            return CodeRedemption.Unknown;
        }

        if (time.GetUtcNow() >= found.ExpiresAt)
        {
            _codes.TryRemove(code, out _);
            return CodeRedemption.Expired;
        }

        if (!string.Equals(found.ClientId, clientId, StringComparison.Ordinal))
        {
            return CodeRedemption.WrongClient;
        }

        if (!string.Equals(found.RedirectUri, redirectUri, StringComparison.Ordinal))
        {
            return CodeRedemption.WrongRedirectUri;
        }

        if (!_codes.TryRemove(new KeyValuePair<string, AuthorizationCodeGrant>(code, found)))
        {
            return CodeRedemption.Unknown;
        }

        grant = found;
        return CodeRedemption.Redeemed;
    }

    public int Count => _codes.Count;

    public void Clear() => _codes.Clear();
}
