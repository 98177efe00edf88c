using System.Net;
using System.Text;
using Vault.Tests.Support;

namespace Vault.Tests.Auth;

/// <summary>What a well-signed token must also say: a lifetime within 60 s of skew, the configured issuer and audience, the exact scope, one valid tenant.</summary>
public class TokenClaimsTests(SharedVault shared) : IClassFixture<SharedVault>
{
    private const string Write = "connections:write";
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes(VaultHarness.JwtSecret);

    [Fact]
    public async Task ATokenExpiredBeyondTheSkewIsUnauthenticated()
    {
        var vault = shared.Vault;
        var now = DateTime.UtcNow;
        var token = TestJwt.Hs256(VaultHarness.JwtSecret, Write, expires: now.AddSeconds(-90), notBefore: now.AddMinutes(-10));

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Fact]
    public async Task ATokenExpiredWithinTheSkewIsAccepted()
    {
        var vault = shared.Vault;
        var now = DateTime.UtcNow;
        var token = TestJwt.Hs256(VaultHarness.JwtSecret, Write, expires: now.AddSeconds(-30), notBefore: now.AddMinutes(-10));

        using var response = await JwtProbe.BearerAsync(vault, token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task ATokenNotYetValidBeyondTheSkewIsUnauthenticated()
    {
        var vault = shared.Vault;
        var now = DateTime.UtcNow;
        var token = TestJwt.Hs256(VaultHarness.JwtSecret, Write, notBefore: now.AddMinutes(3), expires: now.AddMinutes(10));

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Fact]
    public async Task ATokenWithoutExpIsUnauthenticated()
    {
        var vault = shared.Vault;
        var nbf = TestJwt.Epoch(DateTime.UtcNow.AddSeconds(-5));
        var token = TestJwt.Hs256Raw(Secret, """{"alg":"HS256","typ":"JWT"}""", $$"""{"sub":"wms","scope":"connections:write","nbf":{{nbf}}}""");

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Theory]
    [InlineData("\"soon\"")]
    [InlineData("null")]
    [InlineData("[1]")]
    [InlineData("{}")]
    [InlineData("true")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("1e300")]
    [InlineData("-1e300")]
    [InlineData("99999999999999999999999")]
    public async Task AnExpThatIsNotAUsableTimeIsUnauthenticated(string exp)
    {
        var vault = shared.Vault;
        var token = TestJwt.Hs256Raw(Secret, """{"alg":"HS256","typ":"JWT"}""", $$"""{"sub":"wms","scope":"connections:write","exp":{{exp}}}""");

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Theory]
    [InlineData("https://idp.example.com", "vault", HttpStatusCode.Created)]
    [InlineData("https://evil.example.com", "vault", HttpStatusCode.Unauthorized)]
    [InlineData("https://idp.example.com", "another-service", HttpStatusCode.Unauthorized)]
    [InlineData(null, "vault", HttpStatusCode.Unauthorized)]
    [InlineData("https://idp.example.com", null, HttpStatusCode.Unauthorized)]
    [InlineData("https://IDP.example.com", "vault", HttpStatusCode.Unauthorized)]
    public async Task IssuerAndAudienceMustMatchWhenConfigured(string? issuer, string? audience, HttpStatusCode expected)
    {
        await using var vault = await VaultHarness.StartAsync(settings =>
        {
            settings["JWT_ISSUER"] = "https://idp.example.com";
            settings["JWT_AUDIENCE"] = "vault";
        });
        var token = TestJwt.Hs256(VaultHarness.JwtSecret, Write, issuer: issuer, audience: audience);

        using var response = await JwtProbe.BearerAsync(vault, token);

        if (expected == HttpStatusCode.Created)
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        else
            await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Fact]
    public async Task IssuerAndAudienceAreNotRequiredWhenNotConfigured()
    {
        var vault = shared.Vault;
        var token = TestJwt.Hs256(VaultHarness.JwtSecret, Write, issuer: "https://anyone.example.com", audience: "anything");

        using var response = await JwtProbe.BearerAsync(vault, token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("connections:read amazon:call audit:read")]
    [InlineData("")]
    [InlineData("connections:writer")]
    [InlineData("xconnections:write")]
    [InlineData("connections:write:all")]
    [InlineData("connections")]
    [InlineData("CONNECTIONS:WRITE")]
    [InlineData("connections:read,connections:write")]
    [InlineData("connections:read+connections:write")]
    public async Task ATokenWithoutTheExactScopeIsForbidden(string scope)
    {
        var vault = shared.Vault;

        using var response = await JwtProbe.BearerAsync(vault, vault.Jwt(scope));

        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "insufficient_scope");
    }

    [Fact]
    public async Task ATokenWithNoScopeClaimIsForbidden()
    {
        var vault = shared.Vault;
        var exp = TestJwt.Epoch(DateTime.UtcNow.AddMinutes(5));
        var token = TestJwt.Hs256Raw(Secret, """{"alg":"HS256","typ":"JWT"}""", $$"""{"sub":"wms","exp":{{exp}}}""");

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "insufficient_scope");
    }

    [Theory]
    [InlineData("connections:write")]
    [InlineData("  connections:read   connections:write ")]
    public async Task TheScopeIsOneWordOfTheSpaceSeparatedList(string scope)
    {
        var vault = shared.Vault;

        using var response = await JwtProbe.BearerAsync(vault, vault.Jwt(scope));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("\"a/b\"")]
    [InlineData("\"\"")]
    [InlineData("\"t\u00e9nant\"")]
    [InlineData("\"tenant one\"")]
    [InlineData("\"../default\"")]
    [InlineData("[\"tenant-a\",\"tenant-b\"]")]
    [InlineData("{\"id\":\"tenant-a\"}")]
    public async Task ATenantClaimThatIsNotOneValidIdentifierIsUnauthenticated(string tenantJson)
    {
        var vault = shared.Vault;
        var exp = TestJwt.Epoch(DateTime.UtcNow.AddMinutes(5));
        var token = TestJwt.Hs256Raw(Secret, """{"alg":"HS256","typ":"JWT"}""", $$"""{"sub":"wms","scope":"connections:write","exp":{{exp}},"tenant":{{tenantJson}}}""");

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Fact]
    public async Task ATenantClaimOfMaximumLengthIsAccepted()
    {
        var vault = shared.Vault;

        using var response = await JwtProbe.BearerAsync(vault, vault.Jwt(Write, tenant: new string('t', 128)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task ATenantClaimOverTheLengthLimitIsUnauthenticated()
    {
        var vault = shared.Vault;

        using var response = await JwtProbe.BearerAsync(vault, vault.Jwt(Write, tenant: new string('t', 129)));

        await ProblemAssert.UnauthenticatedAsync(response);
    }
}
