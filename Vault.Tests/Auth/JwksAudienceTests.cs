using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.Tokens;
using Vault.Api;
using Vault.Api.Configuration;
using Vault.Tests.Cli;
using Vault.Tests.Support;

namespace Vault.Tests.Auth;

/// <summary>
/// A shared identity provider signs tokens for many applications: with JWKS_ENDPOINT the vault accepts only tokens
/// issued by JWT_ISSUER for JWT_AUDIENCE, and refuses to start without both.
/// </summary>
public sealed class JwksAudienceTests
{
    private const string Issuer = "https://idp.example.com/";
    private const string Audience = "token-vault";
    // The IdP's published key, one for the whole class as in JwksAuthenticationTests: an RSA-2048 key cost more CPU than a test.
    private static readonly RSA SharedRsa = RSA.Create(2048);
    private readonly RSA _rsa = SharedRsa;

    [Theory]
    [InlineData("JWT_AUDIENCE")]
    [InlineData("JWT_ISSUER")]
    public void JwksWithoutAnAudienceOrIssuerIsOneLineEach(string missing)
    {
        var settings = JwksSettings("https://idp.example.com/jwks.json");
        settings.Remove(missing);

        var (_, problems) = VaultConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());

        var problem = Assert.Single(problems);
        Assert.StartsWith($"{missing} is missing: JWKS_ENDPOINT is set", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TheVaultRefusesToStartWithJwksAlone()
    {
        var settings = JwksSettings("https://idp.example.com/jwks.json");
        settings.Remove("JWT_AUDIENCE");
        settings.Remove("JWT_ISSUER");

        var error = Assert.Throws<VaultApp.ConfigurationException>(() =>
            VaultApp.Build([], builder => builder.Configuration.AddInMemoryCollection(settings)));

        Assert.Equal(2, error.Problems.Count);
        Assert.Single(error.Problems, p => p.StartsWith("JWT_AUDIENCE is missing", StringComparison.Ordinal));
        Assert.Single(error.Problems, p => p.StartsWith("JWT_ISSUER is missing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckConfigNamesTheMissingAudienceAndIssuer()
    {
        var env = JwksSettings("https://idp.example.com/jwks.json").Where(p => p.Value is not null && p.Key is not "JWT_AUDIENCE" and not "JWT_ISSUER")
            .ToDictionary(p => p.Key, p => p.Value!);

        var run = await CliRunner.RunAsync(env, "check-config");

        Assert.Equal(2, run.ExitCode);
        var lines = run.Stderr.Trim().Split('\n').Select(l => l.Trim()).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains(lines, l => l.StartsWith("config: JWT_AUDIENCE is missing", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("config: JWT_ISSUER is missing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Issuer, "another-application")]
    [InlineData(Issuer, null)]
    [InlineData("https://other-idp.example.com/", Audience)]
    [InlineData(null, Audience)]
    public async Task ATokenForAnotherAudienceOrFromAnotherIssuerIsUnauthenticated(string? issuer, string? audience)
    {
        await using var idp = await JwksServer.StartAsync();
        idp.Publish(_rsa, "rsa-1");
        await using var vault = await StartAsync(idp);
        var token = Token(issuer, audience);

        using var response = await JwtProbe.BearerAsync(vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Fact]
    public async Task ATokenForTheVaultsAudienceFromItsIssuerIsAccepted()
    {
        await using var idp = await JwksServer.StartAsync();
        idp.Publish(_rsa, "rsa-1");
        await using var vault = await StartAsync(idp);

        using var response = await JwtProbe.BearerAsync(vault, Token(Issuer, Audience));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private string Token(string? issuer, string? audience) =>
        TestJwt.Signed(new(new RsaSecurityKey(_rsa) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha256), "connections:write", issuer: issuer, audience: audience);

    private static Task<VaultHarness> StartAsync(JwksServer idp) => VaultHarness.StartAsync(settings =>
    {
        settings.Remove("JWT_SECRET");
        settings["JWKS_ENDPOINT"] = idp.JwksUrl.ToString();
        settings["JWT_ISSUER"] = Issuer;
        settings["JWT_AUDIENCE"] = Audience;
    });

    private static Dictionary<string, string?> JwksSettings(string jwks) => new()
    {
        ["VAULT_DATABASE"] = Path.Combine(Path.GetTempPath(), "vault-jwks-unused-" + Guid.NewGuid().ToString("N") + ".db"),
        ["PUBLIC_BASE_URL"] = "https://vault.example.com/",
        ["COOKIE_ENCRYPTION_KEY"] = VaultHarness.CookieKey,
        ["JWKS_ENDPOINT"] = jwks,
        ["JWT_ISSUER"] = Issuer,
        ["JWT_AUDIENCE"] = Audience,
        ["SPAPI_APP_ID"] = "amzn1.sp.solution.test",
        ["SPAPI_LWA_CLIENT_ID"] = "amzn1.application-oa2-client.sp",
        ["SPAPI_LWA_CLIENT_SECRET"] = "sp-secret",
        ["ALLOWED_REDIRECT_ORIGINS"] = VaultHarness.WmsOrigin,
    };
}
