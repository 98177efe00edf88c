using System.Net;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Tests.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.Sellers;

public class SecretRotationTests
{
    [Trait("Category", "Slow")] // runs node
    [Fact]
    public async Task AfterRotationOnlyTheNewSecretOpensEveryConnection()
    {
        await using var vault = await VaultHarness.StartAsync();
        var oldSecret = SellerSecret.Generate();
        var newSecret = SellerSecret.Generate();
        var spToken = await vault.ConnectAsync("seller-1", oldSecret);
        // A Data Border record is upgraded when first opened: the rotation must cope with that write.
        var adsToken = vault.IssueToken("ads");
        var record = await NodeDataBorder.EncryptAsync(adsToken, oldSecret);
        (await vault.ImportAsync("seller-1", "ads", oldSecret, new { region = "na", dataBorderBlob = record })).Dispose();
        await (await vault.VerifyAsync("seller-1", "sp-api", oldSecret)).OkJsonAsync();

        using var rotated = await vault.RotateAsync("seller-1", oldSecret, newSecret);

        Assert.Equal(2, (await rotated.OkJsonAsync()).GetProperty("rotated").GetInt32());
        Assert.True((await vault.OpenStoredAsync("seller-1", "sp-api", newSecret)).Token?.Value == spToken);
        Assert.True((await vault.OpenStoredAsync("seller-1", "ads", newSecret)).Token?.Value == adsToken);
        foreach (var api in new[] { "sp-api", "ads" })
        {
            Assert.Equal(TokenFormats.V1, (await vault.Store.GetConnectionAsync("default", "seller-1", api))!.Format);
            Assert.Equal(OpenFailure.SecretMismatch, (await vault.OpenStoredAsync("seller-1", api, oldSecret)).Failure);
            await (await vault.VerifyAsync("seller-1", api, newSecret)).OkJsonAsync();
            using var old = await vault.VerifyAsync("seller-1", api, oldSecret);
            await old.AssertProblemAsync(HttpStatusCode.Forbidden, "secret_mismatch");
        }
        var audit = await vault.Store.QueryAuditAsync("default", "seller-1", null, 50, null);
        Assert.Single(audit.Items, e => e.Action == "secret.rotated");
    }

    [Fact]
    public async Task ARotationThatFailsHalfWayLeavesEveryConnectionUnderTheOldSecret()
    {
        await using var vault = await VaultHarness.StartAsync();
        var oldSecret = SellerSecret.Generate();
        var spToken = await vault.ConnectAsync("seller-1", oldSecret);
        var adsToken = await vault.ConnectAsync("seller-1", oldSecret, "ads");
        // Rows are rewritten in api order, so "ads" is already updated inside the transaction when "sp-api" fails.
        await vault.ExecuteSqlAsync("""
            CREATE TRIGGER fail_rotation BEFORE UPDATE OF blob ON connections
            WHEN old.seller_id = 'seller-1' AND old.api = 'sp-api'
            BEGIN SELECT RAISE(ABORT, 'injected failure'); END;
            """);

        using var failed = await vault.RotateAsync("seller-1", oldSecret, SellerSecret.Generate());
        await vault.ExecuteSqlAsync("DROP TRIGGER fail_rotation;");

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.True((await vault.OpenStoredAsync("seller-1", "sp-api", oldSecret)).Token?.Value == spToken);
        Assert.True((await vault.OpenStoredAsync("seller-1", "ads", oldSecret)).Token?.Value == adsToken);
        await (await vault.VerifyAsync("seller-1", "ads", oldSecret)).OkJsonAsync();
        var audit = await vault.Store.QueryAuditAsync("default", "seller-1", null, 50, null);
        Assert.DoesNotContain(audit.Items, e => e.Action == "secret.rotated");
    }

    [Fact]
    public async Task ARotationWithAWrongOldSecretIsRefusedAndChangesNothing()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("seller-1", secret);
        await vault.ConnectAsync("seller-1", secret, "ads");
        var before = await vault.Store.GetSellerConnectionsAsync("default", "seller-1");

        using var response = await vault.RotateAsync("seller-1", SellerSecret.Generate(), SellerSecret.Generate());

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "secret_mismatch");
        var after = await vault.Store.GetSellerConnectionsAsync("default", "seller-1");
        Assert.Equal(before.Select(c => Convert.ToBase64String(c.Blob)), after.Select(c => Convert.ToBase64String(c.Blob)));
    }

    [Fact]
    public async Task ARotationWhereOneConnectionHasAnotherSecretWritesNothing()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("seller-1", secret, "ads");
        await vault.ConnectAsync("seller-1", SellerSecret.Generate(), "sp-api");
        var before = await vault.Store.GetSellerConnectionsAsync("default", "seller-1");

        using var response = await vault.RotateAsync("seller-1", secret, SellerSecret.Generate());

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "secret_mismatch");
        var after = await vault.Store.GetSellerConnectionsAsync("default", "seller-1");
        Assert.Equal(before.Select(c => Convert.ToBase64String(c.Blob)), after.Select(c => Convert.ToBase64String(c.Blob)));
    }

    [Fact]
    public async Task RotatingNeedsTwoDifferentWellFormedSecretsAndAnExistingSeller()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("seller-1", secret);

        using var same = await vault.RotateAsync("seller-1", secret, secret);
        using var missingNew = await vault.RotateAsync("seller-1", secret, null);
        using var shortNew = await vault.RotateAsync("seller-1", secret, "c2hvcnQ=");
        using var unknown = await vault.RotateAsync("nobody", secret, SellerSecret.Generate());
        using var readOnly = await vault.RotateAsync("seller-1", secret, SellerSecret.Generate(), vault.Jwt("connections:read"));

        await same.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", SellerCalls.NewSecretHeader);
        await missingNew.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_secret_format", SellerCalls.NewSecretHeader);
        await shortNew.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_secret_format", SellerCalls.NewSecretHeader);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "seller_not_found");
        await readOnly.AssertProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.NotNull((await vault.OpenStoredAsync("seller-1", "sp-api", secret)).Token);
    }
}
