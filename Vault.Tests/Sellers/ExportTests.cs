using System.Net;
using Vault.Crypto;
using Vault.Tests.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.Sellers;

public class ExportTests
{
    [Trait("Category", "Slow")] // runs node
    [Fact]
    public async Task AnExportedConnectionOpensInNodeWithTheSameSecret()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        var token = await vault.ConnectAsync("seller-1", secret, "sp-api", "eu");

        using var response = await vault.ExportAsync("seller-1", "sp-api", secret);

        var body = await response.OkJsonAsync();
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal("sp-api", body.GetProperty("api").GetString());
        Assert.Equal("eu", body.GetProperty("region").GetString());
        Assert.Equal(token, await NodeDataBorder.DecryptAsync(body.GetProperty("dataBorderBlob").GetString()!, secret));
        var audit = await vault.Store.QueryAuditAsync("default", "seller-1", null, 10, null);
        var exported = Assert.Single(audit.Items, e => e.Action == "connection.exported");
        Assert.Equal(response.Headers.GetValues("x-request-id").Single(), exported.RequestId);
    }

    [Trait("Category", "Slow")] // runs node
    [Fact]
    public async Task ANodeMadeRecordIsImportedVerifiedExportedAndOpenedAgainByNode()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        var token = vault.IssueToken();
        var record = await NodeDataBorder.EncryptAsync(token, secret);

        using var imported = await vault.ImportAsync("seller-1", "sp-api", secret, new { region = "na", dataBorderBlob = record });
        using var verified = await vault.VerifyAsync("seller-1", "sp-api", secret);
        using var exported = await vault.ExportAsync("seller-1", "sp-api", secret);

        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        await verified.OkJsonAsync();
        Assert.Equal(1, vault.RefreshCalls());
        var blob = (await exported.OkJsonAsync()).GetProperty("dataBorderBlob").GetString()!;
        Assert.NotEqual(record, blob);
        Assert.Equal(token, await NodeDataBorder.DecryptAsync(blob, secret));
    }

    [Fact]
    public async Task ExportingWithAWrongSecretOrWithoutTheWriteScopeIsRefusedAndNotAudited()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("seller-1", secret);

        using var wrong = await vault.ExportAsync("seller-1", "sp-api", SellerSecret.Generate());
        using var readOnly = await vault.ExportAsync("seller-1", "sp-api", secret, vault.Jwt("connections:read"));
        using var missing = await vault.ExportAsync("seller-1", "ads", secret);

        await wrong.AssertProblemAsync(HttpStatusCode.Forbidden, "secret_mismatch");
        await readOnly.AssertProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        await missing.AssertProblemAsync(HttpStatusCode.NotFound, "connection_not_found");
        var audit = await vault.Store.QueryAuditAsync("default", "seller-1", null, 10, null);
        Assert.DoesNotContain(audit.Items, e => e.Action == "connection.exported");
    }
}
