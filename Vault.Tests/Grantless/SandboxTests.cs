using System.Net;
using Vault.Crypto;
using Vault.Tests.Auth;
using Vault.Tests.Sellers;
using Vault.Tests.Support;

namespace Vault.Tests.Grantless;

public class SandboxTests
{
    private const string Participations = "/sellers/v1/marketplaceParticipations";

    [Theory]
    [InlineData("na", "sandbox.sellingpartnerapi-na.amazon.com")]
    [InlineData("eu", "sandbox.sellingpartnerapi-eu.amazon.com")]
    [InlineData("fe", "sandbox.sellingpartnerapi-fe.amazon.com")]
    public async Task ASandboxConnectionsCallsReachTheRegionsSandboxHost(string region, string host)
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        using var imported = await vault.ImportAsync("seller-1", "sp-api", secret, new { region, refreshToken = vault.IssueToken(), sandbox = true });
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        Assert.True((await imported.JsonBodyAsync()).GetProperty("sandbox").GetBoolean());

        using var response = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api" + Participations, secret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = vault.Simulator.State.Calls.Snapshot()[^1];
        Assert.Equal(host, call.Host);
        // The static sandbox's mock, whatever the region: one US participation.
        var participation = Assert.Single((await response.JsonBodyAsync()).GetProperty("payload").EnumerateArray());
        Assert.Equal("ATVPDKIKX0DER", participation.GetProperty("marketplace").GetProperty("id").GetString());
        Assert.True((await vault.Store.GetConnectionAsync("default", "seller-1", "sp-api"))!.Sandbox);
    }

    [Fact]
    public async Task TheHeaderSendsOneCallOfAProductionConnectionToTheSandbox()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("seller-1", secret);

        using var sandboxed = vault.Request(HttpMethod.Get, "/v1/sellers/seller-1/sp-api" + Participations, secret);
        sandboxed.Headers.Add("x-vault-sandbox", "true");
        using var sandboxAnswer = await vault.Http.SendAsync(sandboxed);
        using var production = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api" + Participations, secret);

        Assert.Equal(HttpStatusCode.OK, sandboxAnswer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, production.StatusCode);
        var hosts = vault.Simulator.State.Calls.Snapshot().Where(c => c.PathAndQuery == Participations).Select(c => c.Host).ToList();
        Assert.Equal(["sandbox.sellingpartnerapi-na.amazon.com", "sellingpartnerapi-na.amazon.com"], hosts);
        Assert.DoesNotContain("x-vault-sandbox", vault.Simulator.State.Calls.Snapshot()[^2].HeaderNames, StringComparer.OrdinalIgnoreCase);
        Assert.False((await vault.Store.GetConnectionAsync("default", "seller-1", "sp-api"))!.Sandbox);
    }

    [Fact]
    public async Task AGrantlessCallWithTheHeaderGetsTheStaticSandboxAnswer()
    {
        await using var vault = await VaultHarness.StartAsync();
        using var request = vault.GrantlessRequest(HttpMethod.Get, "eu", "/notifications/v1/destinations");
        request.Headers.Add("x-vault-sandbox", "true");

        using var response = await vault.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var destination = Assert.Single((await response.JsonBodyAsync()).GetProperty("payload").EnumerateArray());
        Assert.Equal("TEST_CASE_200", destination.GetProperty("destinationId").GetString());
        Assert.Equal("sandbox.sellingpartnerapi-eu.amazon.com", vault.Simulator.State.Calls.Snapshot()[^1].Host);
        var row = Assert.Single((await vault.Store.QueryAuditAsync("default", null, null, 10, null)).Items);
        Assert.Equal("getDestinations 200 sandbox", row.Detail);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("")]
    public async Task ABadHeaderValueIsRefused(string value)
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("seller-1", secret);
        using var seller = vault.Request(HttpMethod.Get, "/v1/sellers/seller-1/sp-api" + Participations, secret);
        seller.Headers.TryAddWithoutValidation("x-vault-sandbox", value);
        using var grantless = vault.GrantlessRequest(HttpMethod.Get, "na", "/notifications/v1/destinations");
        grantless.Headers.TryAddWithoutValidation("x-vault-sandbox", value);

        using var sellerAnswer = await vault.Http.SendAsync(seller);
        using var grantlessAnswer = await vault.Http.SendAsync(grantless);

        await ProblemAssert.InvalidRequestAsync(sellerAnswer, "x-vault-sandbox");
        await ProblemAssert.InvalidRequestAsync(grantlessAnswer, "x-vault-sandbox");
        Assert.DoesNotContain(vault.Simulator.State.Calls.Snapshot(), c => c.Host.Contains("sellingpartnerapi", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheAdsApiHasNoSandbox()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        using var import = await vault.ImportAsync("seller-1", "ads", secret, new { region = "na", refreshToken = vault.IssueToken("ads"), sandbox = true });
        await vault.ConnectAsync("seller-1", secret, "ads");
        using var call = vault.Request(HttpMethod.Get, "/v1/sellers/seller-1/ads/v2/profiles", secret);
        call.Headers.Add("x-vault-sandbox", "true");

        using var answer = await vault.Http.SendAsync(call);

        await ProblemAssert.InvalidRequestAsync(import, "sandbox");
        await ProblemAssert.InvalidRequestAsync(answer, "x-vault-sandbox");
        Assert.DoesNotContain(vault.Simulator.State.Calls.Snapshot(), c => c.Host.StartsWith("advertising-api", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASandboxOperationTheMocksDoNotMatchGetsAmazonsNoMatchAnswer()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        using var imported = await vault.ImportAsync("seller-1", "sp-api", secret, new { region = "na", refreshToken = vault.IssueToken(), sandbox = true });

        using var response = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/orders/v0/orders/111-1111111-1111111", secret);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.JsonBodyAsync()).GetProperty("errors")[0];
        Assert.Equal("InvalidInput", error.GetProperty("code").GetString());
        Assert.Equal("Could not match input arguments", error.GetProperty("message").GetString());
    }
}
