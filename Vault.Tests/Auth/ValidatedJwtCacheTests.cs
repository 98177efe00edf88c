using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Vault.Api.Auth;
using Vault.Tests.Simulator;

namespace Vault.Tests.Auth;

/// <summary>
/// The remembered validations behind caller authentication: a token is validated in full once, then answered from
/// memory only while it is unexpired and its key is still the current one; refused tokens are never remembered.
/// </summary>
public sealed class ValidatedJwtCacheTests
{
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly CountingHandler _inner = new();

    [Fact]
    public async Task TheSameTokenIsValidatedInFullOnlyOnce()
    {
        var cache = new ValidatedJwtCache(_inner, 16);
        var parameters = Parameters(new SymmetricSecurityKey(_secret));
        var token = Token(_secret);

        var first = await cache.ValidateTokenAsync(token, parameters);
        var second = await cache.ValidateTokenAsync(token, parameters);

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, _inner.Calls);
        Assert.Equal("wms-test", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Equal(first.SecurityToken.ValidTo, second.SecurityToken.ValidTo);
    }

    [Fact]
    public async Task ARememberedTokenIsValidatedInFullAgainOnceItsExpHasPassed()
    {
        var clock = new ManualTimeProvider();
        clock.Advance(DateTimeOffset.UtcNow - clock.GetUtcNow());
        var cache = new ValidatedJwtCache(_inner, 16, clock);
        var parameters = Parameters(new SymmetricSecurityKey(_secret));
        var token = Token(_secret, expires: DateTime.UtcNow.AddMinutes(10));
        Assert.True((await cache.ValidateTokenAsync(token, parameters)).IsValid);

        clock.Advance(TimeSpan.FromMinutes(9));
        await cache.ValidateTokenAsync(token, parameters);
        Assert.Equal(1, _inner.Calls);
        clock.Advance(TimeSpan.FromMinutes(2));
        await cache.ValidateTokenAsync(token, parameters);

        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task ARefusedTokenIsNeverRemembered()
    {
        var cache = new ValidatedJwtCache(_inner, 16);
        var parameters = Parameters(new SymmetricSecurityKey(_secret));
        var token = Token(RandomNumberGenerator.GetBytes(32));

        Assert.False((await cache.ValidateTokenAsync(token, parameters)).IsValid);
        Assert.False((await cache.ValidateTokenAsync(token, parameters)).IsValid);

        Assert.Equal(2, _inner.Calls);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task ATokenRememberedUnderOneKeyIsRefusedWhenAnotherKeyIsConfigured()
    {
        var cache = new ValidatedJwtCache(_inner, 16);
        var token = Token(_secret);
        Assert.True((await cache.ValidateTokenAsync(token, Parameters(new SymmetricSecurityKey(_secret)))).IsValid);

        var result = await cache.ValidateTokenAsync(token, Parameters(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32))));

        Assert.False(result.IsValid);
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task AReloadedKeyIsANewKeyEvenWithTheSameBytes()
    {
        var cache = new ValidatedJwtCache(_inner, 16);
        var token = Token(_secret);
        await cache.ValidateTokenAsync(token, Parameters(new SymmetricSecurityKey(_secret)));

        var result = await cache.ValidateTokenAsync(token, Parameters(new SymmetricSecurityKey(_secret)));

        Assert.True(result.IsValid);
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task ClaimsAddedToOneResultDoNotReachTheNext()
    {
        var cache = new ValidatedJwtCache(_inner, 16);
        var parameters = Parameters(new SymmetricSecurityKey(_secret));
        var token = Token(_secret);

        var first = await cache.ValidateTokenAsync(token, parameters);
        first.ClaimsIdentity.AddClaim(new Claim("added", "first"));
        var second = await cache.ValidateTokenAsync(token, parameters);
        second.ClaimsIdentity.AddClaim(new Claim("added", "second"));
        var third = await cache.ValidateTokenAsync(token, parameters);

        Assert.Null(third.ClaimsIdentity.FindFirst("added"));
        Assert.IsType<CaseSensitiveClaimsIdentity>(third.ClaimsIdentity);
    }

    [Fact]
    public async Task NoMoreTokensAreRememberedThanTheCapacity()
    {
        var cache = new ValidatedJwtCache(_inner, 3);
        var parameters = Parameters(new SymmetricSecurityKey(_secret));

        for (var i = 0; i < 10; i++)
            Assert.True((await cache.ValidateTokenAsync(Token(_secret, subject: "wms-" + i), parameters)).IsValid);

        Assert.InRange(cache.Count, 1, 3);
    }

    private static TokenValidationParameters Parameters(SecurityKey key) => new()
    {
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        IssuerSigningKey = key,
    };

    private static string Token(byte[] key, DateTime? expires = null, string subject = "wms-test")
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["scope"] = "amazon:call" },
            IssuedAt = now,
            NotBefore = now.AddSeconds(-5),
            Expires = expires ?? now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    private sealed class CountingHandler : JsonWebTokenHandler
    {
        private int _calls;

        public CountingHandler() => MapInboundClaims = false;

        public int Calls => _calls;

        public override Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
        {
            Interlocked.Increment(ref _calls);
            return base.ValidateTokenAsync(token, validationParameters);
        }
    }
}
