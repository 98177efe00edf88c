using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Vault.Tests.Support;

namespace Vault.Tests.Auth;

/// <summary>docs/API.md "Callers and credentials" with JWT_SECRET: only an HS256 token signed with that secret, in the Authorization header, gets in.</summary>
public class Hs256AuthenticationTests(SharedVault shared) : IClassFixture<SharedVault>
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes(VaultHarness.JwtSecret);

    [Fact]
    public async Task AValidTokenWithTheScopeIsLetThrough()
    {
        var vault = shared.Vault;

        using var response = await JwtProbe.BearerAsync(vault, vault.Jwt(Scopes.Write));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task NoAuthorizationHeaderIsUnauthenticated()
    {
        var vault = shared.Vault;

        using var response = await JwtProbe.SendAsync(vault, authorization: null);

        var body = await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("a bearer token is required", body.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Basic d21zOnBhc3N3b3Jk")]
    [InlineData("Token abc")]
    public async Task AnAuthorizationHeaderThatIsNotABearerTokenIsUnauthenticated(string header)
    {
        var vault = shared.Vault;

        using var response = await JwtProbe.SendAsync(vault, header);

        await ProblemAssert.UnauthenticatedAsync(response);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnUnsignedAlgNoneTokenIsUnauthenticated(bool trailingDot)
    {
        var vault = shared.Vault;
        var token = TestJwt.Raw("""{"alg":"none","typ":"JWT"}""", ValidPayload());
        token = trailingDot ? token : token.TrimEnd('.');

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    public async Task AnAlgNoneTokenCarryingAValidHmacIsStillUnauthenticated(string alg)
    {
        var vault = shared.Vault;
        var token = TestJwt.Hs256Raw(Secret, $$"""{"alg":"{{alg}}","typ":"JWT"}""", ValidPayload());

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Theory]
    [InlineData("HS384")]
    [InlineData("HS512")]
    public async Task AnotherHmacAlgorithmWithTheRightSecretIsUnauthenticated(string alg)
    {
        var vault = shared.Vault;
        var input = $"{Base64Url($$"""{"alg":"{{alg}}","typ":"JWT"}""")}.{Base64Url(ValidPayload())}";
        var signature = alg == "HS384"
            ? System.Security.Cryptography.HMACSHA384.HashData(Secret, Encoding.ASCII.GetBytes(input))
            : System.Security.Cryptography.HMACSHA512.HashData(Secret, Encoding.ASCII.GetBytes(input));
        var token = $"{input}.{Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(signature)}";

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Fact]
    public async Task ATokenSignedWithAnotherSecretIsUnauthenticated()
    {
        var vault = shared.Vault;
        var token = TestJwt.Hs256("another-secret-that-is-also-32-bytes-or-more", Scopes.Write);

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Fact]
    public async Task ATokenWhosePayloadWasEditedAfterSigningIsUnauthenticated()
    {
        var vault = shared.Vault;
        var parts = vault.Jwt("connections:read").Split('.');
        var token = $"{parts[0]}.{Base64Url(ValidPayload())}.{parts[2]}";

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("..")]
    [InlineData("a.b.c.d.e")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.W10.c2ln")]
    [InlineData("%00%00")]
    public async Task AGarbageTokenIsUnauthenticated(string token)
    {
        var vault = shared.Vault;

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response);
    }

    [Fact]
    public async Task AValidlySignedTokenOverEightKibIsUnauthenticated()
    {
        var vault = shared.Vault;
        var token = TestJwt.Hs256(VaultHarness.JwtSecret, Scopes.Write, extra: new Dictionary<string, object> { ["pad"] = new string('x', 9 * 1024) });
        Assert.InRange(token.Length, 8 * 1024 + 1, 16 * 1024);

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Fact]
    public async Task AnAuthorizationHeaderOverKestrelsLimitIsRefusedWithoutAServerError()
    {
        var vault = shared.Vault;

        using var response = await JwtProbe.BearerAsync(vault, new string('a', 40 * 1024));

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        // The vault still serves the next caller.
        using var next = await JwtProbe.BearerAsync(vault, vault.Jwt(Scopes.Write));
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
    }

    [Fact]
    public async Task ATokenInTheQueryStringIsNotATokenAtAll()
    {
        var vault = shared.Vault;
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{JwtProbe.Path}?access_token={vault.Jwt(Scopes.Write)}")
        {
            Content = new StringContent($$"""{"api":"sp-api","region":"na","redirectUrl":"{{VaultHarness.WmsOrigin}}/done"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-amazon-token-secret", Vault.Crypto.SellerSecret.Generate());

        using var response = await vault.Http.SendAsync(request);

        await ProblemAssert.UnauthenticatedAsync(response);
    }

    [Fact]
    public async Task RefusedTokensNeverReachTheLogs()
    {
        var logs = new CapturedLogs();
        await using var vault = await VaultHarness.StartAsync(host: builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
        });
        var now = DateTime.UtcNow;
        string[] tokens =
        [
            TestJwt.Hs256("another-secret-that-is-also-32-bytes-or-more", Scopes.Write),
            TestJwt.Hs256(VaultHarness.JwtSecret, Scopes.Write, expires: now.AddMinutes(-5), notBefore: now.AddMinutes(-10)),
            TestJwt.Raw("""{"alg":"none"}""", ValidPayload()),
            vault.Jwt(Scopes.Write, tenant: "a/b"),
            vault.Jwt("connections:read"),
        ];

        foreach (var token in tokens)
        {
            using var response = await JwtProbe.BearerAsync(vault, token);
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
        }

        // The handler did log the failures (so the capture works), just without the tokens.
        Assert.Contains(logs.Lines, line => line.Contains("JwtBearerHandler", StringComparison.Ordinal) && line.Contains("IDX", StringComparison.Ordinal));
        foreach (var token in tokens)
        {
            var signature = token.Split('.')[2];
            var payload = token.Split('.')[1];
            Assert.All(logs.Lines, line =>
            {
                Assert.DoesNotContain(payload, line, StringComparison.Ordinal);
                if (signature.Length > 0)
                    Assert.DoesNotContain(signature, line, StringComparison.Ordinal);
            });
        }
        Assert.All(logs.Lines, line => Assert.DoesNotContain(VaultHarness.JwtSecret, line, StringComparison.Ordinal));
    }

    private static string ValidPayload()
    {
        var now = DateTime.UtcNow;
        return $$"""{"sub":"wms","scope":"connections:write","nbf":{{TestJwt.Epoch(now.AddSeconds(-5))}},"exp":{{TestJwt.Epoch(now.AddMinutes(5))}}}""";
    }

    private static string Base64Url(string json) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(json);

    private static class Scopes
    {
        public const string Write = "connections:write";
    }
}
