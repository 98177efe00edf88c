using System.Net;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Tests.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.Sellers;

public class ConnectionImportTests
{
    private static readonly string[] ViewFields = ["api", "createdAt", "format", "region", "renewalDueAt", "status", "updatedAt"];

    [Fact]
    public async Task ImportingARefreshTokenCreatesTheConnectionThenReplacesIt()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        var first = vault.IssueToken();

        using var created = await vault.ImportAsync("seller-1", "sp-api", secret, new { region = "eu", refreshToken = first });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/v1/sellers/seller-1/connections/sp-api", created.Headers.Location?.OriginalString);
        var view = await created.JsonAsync();
        Assert.Equal(ViewFields, view.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("sp-api", view.GetProperty("api").GetString());
        Assert.Equal("eu", view.GetProperty("region").GetString());
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.Equal("v1", view.GetProperty("format").GetString());
        Assert.True((await vault.OpenStoredAsync("seller-1", "sp-api", secret)).Token?.Value == first);

        var second = vault.IssueToken();
        using var replaced = await vault.ImportAsync("seller-1", "sp-api", secret, new { region = "na", refreshToken = second });

        var again = await replaced.OkJsonAsync();
        Assert.Equal("na", again.GetProperty("region").GetString());
        Assert.Equal(view.GetProperty("createdAt").GetDateTimeOffset(), again.GetProperty("createdAt").GetDateTimeOffset());
        Assert.True(again.GetProperty("updatedAt").GetDateTimeOffset() >= view.GetProperty("updatedAt").GetDateTimeOffset());
        Assert.True((await vault.OpenStoredAsync("seller-1", "sp-api", secret)).Token?.Value == second);
        var audit = await vault.Store.QueryAuditAsync("default", "seller-1", null, 10, null);
        Assert.Equal(2, audit.Items.Count(e => e.Action == "connection.imported"));
        Assert.DoesNotContain(audit.Items, e => (e.Detail ?? "").Contains(second, StringComparison.Ordinal));
    }

    [Trait("Category", "Slow")] // runs node
    [Fact]
    public async Task ADataBorderRecordMadeByNodeIsStoredAsGivenAndBecomesV1OnFirstUse()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        var token = vault.IssueToken("ads");
        var record = await NodeDataBorder.EncryptAsync(token, secret);

        using var created = await vault.ImportAsync("seller-1", "ads", secret, new { region = "na", dataBorderBlob = record });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("databorder", (await created.JsonAsync()).GetProperty("format").GetString());
        var stored = await vault.Store.GetConnectionAsync("default", "seller-1", "ads");
        Assert.Equal(Convert.FromBase64String(record), stored!.Blob);

        using var verified = await vault.VerifyAsync("seller-1", "ads", secret);

        Assert.True((await verified.OkJsonAsync()).GetProperty("ok").GetBoolean());
        var upgraded = await vault.Store.GetConnectionAsync("default", "seller-1", "ads");
        Assert.Equal(TokenFormats.V1, upgraded!.Format);
        Assert.True((await vault.OpenStoredAsync("seller-1", "ads", secret)).Token?.Value == token);
    }

    [Trait("Category", "Slow")] // runs node
    [Fact]
    public async Task ADataBorderRecordUnderAnotherSecretIsRefusedAndNothingIsStored()
    {
        await using var vault = await VaultHarness.StartAsync();
        var record = await NodeDataBorder.EncryptAsync(vault.IssueToken(), SellerSecret.Generate());

        using var response = await vault.ImportAsync("seller-1", "sp-api", SellerSecret.Generate(), new { region = "na", dataBorderBlob = record });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "secret_mismatch");
        Assert.Null(await vault.Store.GetConnectionAsync("default", "seller-1", "sp-api"));
    }

    [Theory]
    [InlineData("{}", "region")]
    [InlineData("""{"region":"us","refreshToken":"Atzr|x"}""", "region")]
    [InlineData("""{"region":5,"refreshToken":"Atzr|x"}""", "region")]
    [InlineData("""{"region":"na"}""", "refreshToken, dataBorderBlob")]
    [InlineData("""{"region":"na","refreshToken":"Atzr|x","dataBorderBlob":"AAAA"}""", "refreshToken, dataBorderBlob")]
    [InlineData("""{"region":"na","refreshToken":""}""", "refreshToken")]
    [InlineData("""{"region":"na","refreshToken":"Atzr| x"}""", "refreshToken")]
    [InlineData("""{"region":"na","refreshToken":"Atzr|\u00e9"}""", "refreshToken")]
    [InlineData("""{"region":"na","refreshToken":42}""", "refreshToken")]
    [InlineData("""{"region":"na","dataBorderBlob":"not base64!"}""", "dataBorderBlob")]
    [InlineData("""{"region":"na","dataBorderBlob":"AAECAwQFBgcICQ=="}""", "dataBorderBlob")]
    [InlineData("""{"region":"na",""", "body")]
    [InlineData("""["na"]""", "body")]
    [InlineData("null", "body")]
    public async Task AMalformedImportIsAnInvalidRequestNamingTheField(string body, string field)
    {
        await using var vault = await VaultHarness.StartAsync();

        using var response = await vault.PutRawAsync("/v1/sellers/seller-1/connections/sp-api", SellerSecret.Generate(), body);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", field);
        Assert.Empty(await vault.Store.GetSellerConnectionsAsync("default", "seller-1"));
    }

    [Fact]
    public async Task ARefreshTokenOverTheLengthLimitIsRefused()
    {
        await using var vault = await VaultHarness.StartAsync();

        using var response = await vault.ImportAsync("seller-1", "sp-api", SellerSecret.Generate(), new { region = "na", refreshToken = new string('a', 2049) });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", "refreshToken");
    }

    [Fact]
    public async Task ABodyThatIsNotJsonOrTooLargeIsRefusedWithAProblem()
    {
        await using var vault = await VaultHarness.StartAsync();
        const string path = "/v1/sellers/seller-1/connections/sp-api";

        using var form = await vault.PutRawAsync(path, SellerSecret.Generate(), "region=na", "application/x-www-form-urlencoded");
        using var huge = await vault.PutRawAsync(path, SellerSecret.Generate(), $$"""{"region":"na","refreshToken":"{{new string('a', 20_000)}}"}""");

        await form.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", "body");
        await huge.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Theory]
    [InlineData("/v1/sellers/seller%201/connections/sp-api", "sellerId")]
    [InlineData("/v1/sellers/seller-1/connections/mws", "api")]
    public async Task ABadPathValueIsAnInvalidRequestNamingIt(string path, string field)
    {
        await using var vault = await VaultHarness.StartAsync();

        using var response = await vault.SendAsync(HttpMethod.Put, path, SellerSecret.Generate(), new { region = "na", refreshToken = "Atzr|x" });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", field);
    }

    [Fact]
    public async Task ImportingNeedsTheSecretAndTheWriteScope()
    {
        await using var vault = await VaultHarness.StartAsync();
        var body = new { region = "na", refreshToken = "Atzr|x" };

        using var noSecret = await vault.SendAsync(HttpMethod.Put, "/v1/sellers/seller-1/connections/sp-api", json: body);
        using var readOnly = await vault.ImportAsync("seller-1", "sp-api", SellerSecret.Generate(), body, vault.Jwt("connections:read"));

        await noSecret.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_secret_format");
        await readOnly.AssertProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Empty(await vault.Store.GetSellerConnectionsAsync("default", "seller-1"));
    }
}
