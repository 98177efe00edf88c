using System.Net;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Crypto.Kdf;
using Vault.Storage;
using Vault.Tests.Support;

namespace Vault.Tests.Sellers;

public class VerifyTests
{
    [Fact]
    public async Task VerifyingWithTheRightSecretMintsAnAccessTokenOnceAndRecordsTheUse()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("seller-1", secret);

        using var first = await vault.VerifyAsync("seller-1", "sp-api", secret, vault.Jwt("connections:read"));
        using var second = await vault.VerifyAsync("seller-1", "sp-api", secret);

        var body = await first.OkJsonAsync();
        Assert.True(body.GetProperty("ok").GetBoolean());
        Assert.InRange(body.GetProperty("expiresIn").GetInt64(), 3000, 3600);
        Assert.Equal(["expiresIn", "ok"], body.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        await second.OkJsonAsync();
        Assert.Equal(1, vault.RefreshCalls());
        using var seller = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1");
        Assert.True((await seller.OkJsonAsync()).GetProperty("connections")[0].TryGetProperty("lastUsedAt", out _));
    }

    [Fact]
    public async Task VerifyingWithAWrongSecretIsASecretMismatchEvenAfterATokenWasCached()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("seller-1", secret);

        using var before = await vault.VerifyAsync("seller-1", "sp-api", SellerSecret.Generate());
        await (await vault.VerifyAsync("seller-1", "sp-api", secret)).OkJsonAsync();
        using var after = await vault.VerifyAsync("seller-1", "sp-api", SellerSecret.Generate());

        await before.AssertProblemAsync(HttpStatusCode.Forbidden, "secret_mismatch");
        await after.AssertProblemAsync(HttpStatusCode.Forbidden, "secret_mismatch");
        Assert.Equal(1, vault.RefreshCalls());
    }

    [Fact]
    public async Task ARevokedTokenMarksTheConnectionForReauthorizationAndAmazonIsNotAskedAgain()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        var token = await vault.ConnectAsync("seller-1", secret);
        Assert.True(vault.Simulator.State.Revoke(token));

        using var first = await vault.VerifyAsync("seller-1", "sp-api", secret);
        var callsAfterFirst = vault.RefreshCalls();
        using var second = await vault.VerifyAsync("seller-1", "sp-api", secret);

        await first.AssertProblemAsync(HttpStatusCode.Conflict, "reauthorization_required");
        await second.AssertProblemAsync(HttpStatusCode.Conflict, "reauthorization_required");
        Assert.Equal(callsAfterFirst, vault.RefreshCalls());
        using var seller = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1");
        Assert.Equal("reauthorization_required", (await seller.OkJsonAsync()).GetProperty("connections")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task AHundredConcurrentFirstVerificationsShareOneLwaRefreshAndWrongSecretsGetNothing()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("seller-1", secret);

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => vault.VerifyAsync("seller-1", "sp-api", secret)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, vault.RefreshCalls());
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await vault.VerifyAsync("seller-1", "sp-api", SellerSecret.Generate());
            await wrong.AssertProblemAsync(HttpStatusCode.Forbidden, "secret_mismatch");
        }
        Assert.Equal(1, vault.RefreshCalls());
        foreach (var response in responses)
            response.Dispose();
    }

    [Fact]
    public async Task ARecordSealedWithWeakerKdfParametersIsResealedWithTheConfiguredOnesOnVerify()
    {
        await using var vault = await VaultHarness.StartAsync(kdf: ScryptParameters.Default);
        var secret = SellerSecret.Generate();
        var token = vault.IssueToken();
        var weak = new ScryptParameters(12, 8, 1);
        using (var parsed = SellerSecret.Parse(secret))
        {
            var blob = V1Envelope.Seal(token, parsed, new TokenBinding("default", "seller-1", "sp-api"), weak);
            var now = DateTimeOffset.UtcNow;
            await vault.Store.UpsertConnectionAsync(
                new Connection("default", "seller-1", "sp-api", "na", null, ConnectionStatus.Active, TokenFormats.V1, blob, now, now, null),
                new AuditEvent("default", "test.seeded", "tests", "seller-1", "sp-api"));
        }

        using var verified = await vault.VerifyAsync("seller-1", "sp-api", secret);

        await verified.OkJsonAsync();
        var stored = await vault.Store.GetConnectionAsync("default", "seller-1", "sp-api");
        Assert.True(V1Envelope.TryReadParameters(stored!.Blob, out var parameters, out _));
        Assert.Equal(ScryptParameters.Default, parameters);
        Assert.True((await vault.OpenStoredAsync("seller-1", "sp-api", secret)).Token?.Value == token);
    }

    [Fact]
    public async Task VerifyingAMissingConnectionIsNotFoundAndNeedsTheSecret()
    {
        await using var vault = await VaultHarness.StartAsync();

        using var missing = await vault.VerifyAsync("seller-1", "ads", SellerSecret.Generate());
        using var noSecret = await vault.SendAsync(HttpMethod.Post, "/v1/sellers/seller-1/connections/ads/verify");

        await missing.AssertProblemAsync(HttpStatusCode.NotFound, "connection_not_found");
        await noSecret.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_secret_format");
    }
}
