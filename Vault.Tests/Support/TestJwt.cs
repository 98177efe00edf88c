using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Vault.Tests.Support;

/// <summary>Makes caller JWTs for tests: valid ones, and each kind of bad one.</summary>
public static class TestJwt
{
    public const string AllScopes = "connections:read connections:write amazon:call audit:read";

    public static string Hs256(string secret, string scopes = AllScopes, string? tenant = null, string subject = "wms-test",
        DateTime? expires = null, DateTime? notBefore = null, string? issuer = null, string? audience = null, IDictionary<string, object>? extra = null)
    {
        var claims = new Dictionary<string, object> { ["scope"] = scopes, ["sub"] = subject };
        if (tenant is not null)
            claims["tenant"] = tenant;
        foreach (var (key, value) in extra ?? new Dictionary<string, object>())
            claims[key] = value;
        var now = DateTime.UtcNow;
        return Registered(new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = notBefore ?? now.AddSeconds(-5),
            Expires = expires ?? now.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256),
        }));
    }

    public static string Signed(SigningCredentials credentials, string scopes = AllScopes, DateTime? expires = null, string? issuer = null, string? audience = null,
        IDictionary<string, object>? headers = null)
    {
        var now = DateTime.UtcNow;
        return Registered(new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("scope", scopes), new Claim("sub", "wms-test")]),
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now.AddSeconds(-5),
            Expires = expires ?? now.AddMinutes(10),
            SigningCredentials = credentials,
            AdditionalHeaderClaims = headers,
        }));
    }

    /// <summary>A token with any header and payload and the given signature part, for attacks the library will not produce.</summary>
    public static string Raw(string headerJson, string payloadJson, string signature = "") =>
        Registered($"{Base64UrlEncoder.Encode(headerJson)}.{Base64UrlEncoder.Encode(payloadJson)}.{signature}");

    /// <summary>A correctly HS256-signed token over any header and payload, for claims the library insists on adding (exp).</summary>
    public static string Hs256Raw(byte[] key, string headerJson, string payloadJson)
    {
        var signingInput = $"{Base64UrlEncoder.Encode(headerJson)}.{Base64UrlEncoder.Encode(payloadJson)}";
        var signature = System.Security.Cryptography.HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        return Registered($"{signingInput}.{Base64UrlEncoder.Encode(signature)}");
    }

    /// <summary>Every token made here is a value no log, problem body, metric or audit row may contain (TestSecrets).</summary>
    private static string Registered(string token) => TestSecrets.Add("jwt", token);

    public static long Epoch(DateTime time) => new DateTimeOffset(time).ToUnixTimeSeconds();
}
