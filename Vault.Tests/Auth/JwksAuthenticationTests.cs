using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Vault.Tests.Support;

namespace Vault.Tests.Auth;

/// <summary>docs/API.md "Callers and credentials" with JWKS_ENDPOINT: RS256 and ES256 keys from the IdP, chosen by kid, nothing else.</summary>
public sealed class JwksAuthenticationTests
{
    // Every token below is for the vault's audience from its issuer, so only the property under test decides.
    private const string Issuer = "https://idp.example.com/";
    private const string Audience = "token-vault";
    // The IdP's published keys, one pair for the whole class: making an RSA-2048 key cost more CPU than the rest of a test.
    private static readonly RSA SharedRsa = RSA.Create(2048);
    private static readonly ECDsa SharedEc = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly RSA _rsa = SharedRsa;
    private readonly ECDsa _ec = SharedEc;

    [Theory]
    [InlineData("rsa")]
    [InlineData("ec")]
    public async Task TokensSignedWithAPublishedKeyAreAccepted(string kind)
    {
        await using var setup = await Setup.StartAsync(this);
        var token = kind == "rsa" ? Rs256(_rsa, "rsa-1") : TestJwt.Signed(new(new ECDsaSecurityKey(_ec) { KeyId = "ec-1" }, SecurityAlgorithms.EcdsaSha256), "connections:write", issuer: Issuer, audience: Audience);

        using var response = await JwtProbe.BearerAsync(setup.Vault, token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, setup.Idp.JwksFetches);
    }

    [Theory]
    [InlineData(SecurityAlgorithms.RsaSha384)]
    [InlineData(SecurityAlgorithms.RsaSha512)]
    [InlineData(SecurityAlgorithms.RsaSsaPssSha256)]
    public async Task OtherAlgorithmsWithAPublishedRsaKeyAreUnauthenticated(string algorithm)
    {
        await using var setup = await Setup.StartAsync(this);
        var token = TestJwt.Signed(new(new RsaSecurityKey(_rsa) { KeyId = "rsa-1" }, algorithm), "connections:write", issuer: Issuer, audience: Audience);

        using var response = await JwtProbe.BearerAsync(setup.Vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Theory]
    [InlineData("spki-pem")]
    [InlineData("spki-der")]
    [InlineData("pkcs1-der")]
    [InlineData("modulus")]
    [InlineData("jwk-json")]
    public async Task AnHs256TokenKeyedWithTheRsaPublicKeyIsUnauthenticated(string material)
    {
        await using var setup = await Setup.StartAsync(this);
        var key = material switch
        {
            "spki-pem" => Encoding.ASCII.GetBytes(_rsa.ExportSubjectPublicKeyInfoPem()),
            "spki-der" => _rsa.ExportSubjectPublicKeyInfo(),
            "pkcs1-der" => _rsa.ExportRSAPublicKey(),
            "modulus" => _rsa.ExportParameters(false).Modulus!,
            _ => Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(JwksServer.Jwk.Rsa(_rsa, "rsa-1"))),
        };
        var token = TestJwt.Hs256Raw(key, """{"alg":"HS256","typ":"JWT","kid":"rsa-1"}""", Payload());

        using var response = await JwtProbe.BearerAsync(setup.Vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Fact]
    public async Task AnHs256TokenIsRefusedEvenWhenJwtSecretIsAlsoSet()
    {
        await using var setup = await Setup.StartAsync(this, keepJwtSecret: true);
        var token = TestJwt.Hs256(VaultHarness.JwtSecret, "connections:write", issuer: Issuer, audience: Audience);

        using var response = await JwtProbe.BearerAsync(setup.Vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Trait("Category", "Slow")] // waits out the IdP re-fetch interval
    [Fact]
    public async Task AnUnknownKidIsRefusedUntilTheIdpPublishesItThenAccepted()
    {
        // The least re-fetch interval ConfigurationManager allows, so the test waits about a second, not ten.
        await using var setup = await Setup.StartAsync(this, refreshInterval: ConfigurationManager<OpenIdConnectConfiguration>.MinimumRefreshInterval);
        using var rotated = RSA.Create(2048);
        var token = Rs256(rotated, "rsa-2");

        using (var before = await JwtProbe.BearerAsync(setup.Vault, token))
            await ProblemAssert.UnauthenticatedAsync(before, token);
        setup.Idp.Publish(rotated, "rsa-2");

        var watch = Stopwatch.StartNew();
        HttpStatusCode status;
        do
        {
            await Task.Delay(200);
            using var after = await JwtProbe.BearerAsync(setup.Vault, token);
            status = after.StatusCode;
        }
        while (status != HttpStatusCode.Created && watch.Elapsed < TimeSpan.FromSeconds(15));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.InRange(setup.Idp.JwksFetches, 2, 20);
        using var old = await JwtProbe.BearerAsync(setup.Vault, Rs256(_rsa, "rsa-1"));
        Assert.Equal(HttpStatusCode.Created, old.StatusCode);
    }

    [Trait("Category", "Slow")] // waits out the IdP re-fetch interval
    [Fact]
    public async Task ATokenAcceptedBeforeItsKeyWasWithdrawnIsRefusedOnceTheVaultSeesTheNewKeys()
    {
        // A key the IdP no longer publishes stops working once the vault has re-fetched the set (no "last known good" fallback).
        await using var setup = await Setup.StartAsync(this, refreshInterval: ConfigurationManager<OpenIdConnectConfiguration>.MinimumRefreshInterval);
        var old = Rs256(_rsa, "rsa-1");
        using (var accepted = await JwtProbe.BearerAsync(setup.Vault, old))
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        using var rotated = RSA.Create(2048);
        setup.Idp.Withdraw("rsa-1");
        setup.Idp.Publish(rotated, "rsa-2");

        // A token with the new kid makes the vault re-fetch; once it is accepted, the vault holds the new key set.
        var watch = Stopwatch.StartNew();
        var fresh = Rs256(rotated, "rsa-2");
        HttpStatusCode status;
        do
        {
            await Task.Delay(200);
            using var response = await JwtProbe.BearerAsync(setup.Vault, fresh);
            status = response.StatusCode;
        }
        while (status != HttpStatusCode.Created && watch.Elapsed < TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.Created, status);

        using var after = await JwtProbe.BearerAsync(setup.Vault, old);
        await ProblemAssert.UnauthenticatedAsync(after, old);
    }

    [Fact]
    public async Task AFloodOfMadeUpKidsDoesNotHammerTheIdp()
    {
        await using var setup = await Setup.StartAsync(this);
        using (var first = await JwtProbe.BearerAsync(setup.Vault, Rs256(_rsa, "rsa-1")))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var attacker = RSA.Create(2048);

        for (var i = 0; i < 25; i++)
        {
            var token = Rs256(attacker, "made-up-" + i);
            using var response = await JwtProbe.BearerAsync(setup.Vault, token);
            await ProblemAssert.UnauthenticatedAsync(response, token);
        }

        // The first fetch, and at most one re-fetch within the 10 s refresh interval.
        Assert.InRange(setup.Idp.JwksFetches, 1, 2);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/dev/null")]
    [InlineData("rsa-1/../rsa-1")]
    [InlineData("rsa-1\u0000")]
    [InlineData("' OR '1'='1")]
    [InlineData("RSA-1")]
    public async Task AKidTheIdpNeverPublishedIsUnauthenticatedEvenWithAGoodSignature(string kid)
    {
        await using var setup = await Setup.StartAsync(this);

        var token = Rs256(_rsa, kid);
        using var response = await JwtProbe.BearerAsync(setup.Vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
        Assert.All(setup.Idp.Requests, path => Assert.Equal(JwksServer.JwksPath, path));
    }

    [Fact]
    public async Task ATokenThatNamesNoKidIsUnauthenticated()
    {
        await using var setup = await Setup.StartAsync(this);
        var token = TestJwt.Signed(new(new RsaSecurityKey(_rsa), SecurityAlgorithms.RsaSha256), "connections:write", issuer: Issuer, audience: Audience);
        Assert.DoesNotContain("\"kid\"", Base64UrlEncoder.Decode(token.Split('.')[0]), StringComparison.Ordinal);

        using var response = await JwtProbe.BearerAsync(setup.Vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Theory]
    [InlineData("jku", "attacker-kid")]
    [InlineData("jku", "rsa-1")]
    [InlineData("x5u", "attacker-kid")]
    [InlineData("x5u", "rsa-1")]
    public async Task AKeyUrlInTheTokenHeaderIsNeverFetched(string header, string kid)
    {
        await using var setup = await Setup.StartAsync(this);
        await using var attackerServer = await JwksServer.StartAsync();
        using var attacker = RSA.Create(2048);
        attackerServer.Publish(attacker, kid);
        var url = new Uri(attackerServer.BaseAddress, header == "jku" ? "jwks.json" : "cert.pem").ToString();
        var token = TestJwt.Signed(new(new RsaSecurityKey(attacker) { KeyId = kid }, SecurityAlgorithms.RsaSha256), "connections:write", issuer: Issuer, audience: Audience,
            headers: new Dictionary<string, object> { [header] = url });

        using var response = await JwtProbe.BearerAsync(setup.Vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
        Assert.Empty(attackerServer.Requests);
        Assert.All(setup.Idp.Requests, path => Assert.Equal(JwksServer.JwksPath, path));
    }

    [Fact]
    public async Task AKeyEmbeddedInTheTokenHeaderIsNotTrusted()
    {
        await using var setup = await Setup.StartAsync(this);
        using var attacker = RSA.Create(2048);
        var token = TestJwt.Signed(new(new RsaSecurityKey(attacker) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha256), "connections:write", issuer: Issuer, audience: Audience,
            headers: new Dictionary<string, object> { ["jwk"] = JwksServer.Jwk.Rsa(attacker, "rsa-1") });

        using var response = await JwtProbe.BearerAsync(setup.Vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Fact]
    public async Task AnExpiredJwksTokenIsUnauthenticated()
    {
        await using var setup = await Setup.StartAsync(this);
        var token = TestJwt.Signed(new(new RsaSecurityKey(_rsa) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha256), "connections:write", issuer: Issuer, audience: Audience, expires: DateTime.UtcNow.AddMinutes(-5));

        using var response = await JwtProbe.BearerAsync(setup.Vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    [Fact]
    public async Task AnUnreachableIdpMeansUnauthenticatedNotAServerError()
    {
        await using var setup = await Setup.StartAsync(this);
        await setup.Idp.DisposeAsync();
        var token = Rs256(_rsa, "rsa-1");

        using var response = await JwtProbe.BearerAsync(setup.Vault, token);

        await ProblemAssert.UnauthenticatedAsync(response, token);
    }

    private static string Rs256(RSA rsa, string kid) =>
        TestJwt.Signed(new(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256), "connections:write", issuer: Issuer, audience: Audience);

    private static string Payload()
    {
        var now = DateTime.UtcNow;
        return $$"""{"iss":"{{Issuer}}","aud":"{{Audience}}","sub":"wms","scope":"connections:write","nbf":{{TestJwt.Epoch(now.AddSeconds(-5))}},"exp":{{TestJwt.Epoch(now.AddMinutes(5))}}}""";
    }

    /// <summary>An IdP publishing rsa-1 and ec-1, and a vault that trusts it.</summary>
    private sealed class Setup(JwksServer idp, VaultHarness vault) : IAsyncDisposable
    {
        public JwksServer Idp { get; } = idp;
        public VaultHarness Vault { get; } = vault;

        public static async Task<Setup> StartAsync(JwksAuthenticationTests keys, bool keepJwtSecret = false, TimeSpan? refreshInterval = null)
        {
            var idp = await JwksServer.StartAsync();
            idp.Publish(keys._rsa, "rsa-1");
            idp.Publish(keys._ec, "ec-1");
            var vault = await VaultHarness.StartAsync(settings =>
            {
                settings["JWKS_ENDPOINT"] = idp.JwksUrl.ToString();
                settings["JWT_ISSUER"] = Issuer;
                settings["JWT_AUDIENCE"] = Audience;
                if (!keepJwtSecret)
                    settings.Remove("JWT_SECRET");
            }, host: builder =>
            {
                if (refreshInterval is { } interval)
                    builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, jwt =>
                        ((ConfigurationManager<OpenIdConnectConfiguration>)jwt.ConfigurationManager!).RefreshInterval = interval);
            });
            return new Setup(idp, vault);
        }

        public async ValueTask DisposeAsync()
        {
            await Vault.DisposeAsync();
            await Idp.DisposeAsync();
        }
    }
}
