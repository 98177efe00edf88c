using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Vault.Api.Auth;

/// <summary>
/// The JWT bearer handler's token handler, remembering each token that validated until its <c>exp</c>: a WMS sends
/// the same token on every call, and full validation (parse, claims, signature) was measured at about a tenth of
/// the proxy's warm path. A remembered result is used only while the key that verified it is still among the
/// current signing keys (a JWKS refresh or a new key set drops it), and never past the token's own expiry. Refused
/// tokens are never remembered. Entries are keyed by the token's SHA-256 and hold its claims, not the token itself.
/// </summary>
public sealed class ValidatedJwtCache(JsonWebTokenHandler inner, int capacity, TimeProvider? clock = null) : TokenHandler, IDisposable
{
    // The validator reads DateTime.UtcNow for lifetimes; tests give this cache its own clock to move past exp.
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly MemoryCache _validated = new(new MemoryCacheOptions { SizeLimit = capacity });

    private sealed record Validated(ClaimsIdentity Identity, SecurityKey SigningKey, DateTime ValidFrom, DateTime ValidTo);

    public override int MaximumTokenSizeInBytes
    {
        get => inner.MaximumTokenSizeInBytes;
        set => inner.MaximumTokenSizeInBytes = value;
    }

    public int Count => _validated.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        // An oversized token is not even hashed: the inner handler refuses it by its length.
        if (string.IsNullOrEmpty(token) || token.Length > inner.MaximumTokenSizeInBytes)
            return await inner.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);

        var key = KeyOf(token);
        var now = _clock.GetUtcNow().UtcDateTime;
        if (_validated.TryGetValue(key, out Validated? known) && known!.ValidTo > now
            && await IsCurrentKeyAsync(known.SigningKey, validationParameters).ConfigureAwait(false))
            return Result(known);

        var result = await inner.ValidateTokenAsync(token, validationParameters).ConfigureAwait(false);
        if (result.IsValid && result.SecurityToken is JsonWebToken { SigningKey: { } signingKey } jwt && jwt.ValidTo > now)
        {
            // A copy: the bearer handler's TokenValidated event adds the tenant claim to the identity it is given.
            var remembered = new Validated(new CaseSensitiveClaimsIdentity(result.ClaimsIdentity), signingKey, jwt.ValidFrom, jwt.ValidTo);
            _validated.Set(key, remembered, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) });
        }
        return result;
    }

    public override SecurityToken ReadToken(string token) => inner.ReadToken(token);

    public void Dispose() => _validated.Dispose();

    private static string KeyOf(string token)
    {
        var count = Encoding.UTF8.GetByteCount(token);
        var bytes = count <= 2048 ? stackalloc byte[2048] : new byte[count];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes[..Encoding.UTF8.GetBytes(token, bytes)], hash);
        return Convert.ToBase64String(hash);
    }

    /// <summary>The key is the very object validation would use now: a reloaded key set is a new set of objects.</summary>
    private static async ValueTask<bool> IsCurrentKeyAsync(SecurityKey key, TokenValidationParameters parameters)
    {
        if (ReferenceEquals(parameters.IssuerSigningKey, key) || Contains(parameters.IssuerSigningKeys, key))
            return true;
        if (parameters.ConfigurationManager is { } manager)
        {
            var configuration = await manager.GetBaseConfigurationAsync(CancellationToken.None).ConfigureAwait(false);
            return Contains(configuration?.SigningKeys, key);
        }
        return false;
    }

    private static bool Contains(IEnumerable<SecurityKey>? keys, SecurityKey key)
    {
        if (keys is null)
            return false;
        foreach (var candidate in keys)
        {
            if (ReferenceEquals(candidate, key))
                return true;
        }
        return false;
    }

    private static TokenValidationResult Result(Validated known) => new()
    {
        IsValid = true,
        ClaimsIdentity = new CaseSensitiveClaimsIdentity(known.Identity),
        SecurityToken = new RememberedToken(known),
    };

    /// <summary>What the bearer handler reads from a validated token (its lifetime), without keeping the token's text.</summary>
    private sealed class RememberedToken(Validated known) : SecurityToken
    {
        public override string Id => string.Empty;
        public override string Issuer => known.Identity.FindFirst("iss")?.Value ?? string.Empty;
        public override SecurityKey? SecurityKey => null;
        public override SecurityKey SigningKey { get => known.SigningKey; set => throw new NotSupportedException(); }
        public override DateTime ValidFrom => known.ValidFrom;
        public override DateTime ValidTo => known.ValidTo;
        public override string UnsafeToString() => "[remembered JWT]";
    }
}
