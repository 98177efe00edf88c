using System.Net;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Storage;
using Vault.Tests.Support;

namespace Vault.Tests.OAuth;

public class OAuthFlowTests
{
    [Theory]
    [InlineData("sp-api", "na", "ATVPDKIKX0DER", "sellercentral.amazon.com", "api.amazon.com")]
    [InlineData("sp-api", "eu", "A1PA6795UKMFR9", "sellercentral-europe.amazon.com", "api.amazon.co.uk")]
    [InlineData("sp-api", "fe", "A1VC38T7YXB528", "sellercentral.amazon.co.jp", "api.amazon.co.jp")]
    [InlineData("sp-api", "eu", null, "sellercentral-europe.amazon.com", "api.amazon.co.uk")]
    [InlineData("ads", "na", null, "www.amazon.com", "api.amazon.com")]
    [InlineData("ads", "eu", null, "eu.account.amazon.com", "api.amazon.co.uk")]
    [InlineData("ads", "fe", null, "apac.account.amazon.com", "api.amazon.co.jp")]
    public async Task ASellerWhoAllowsIsConnectedAndTheTokenOpensOnlyWithTheirSecret(string api, string region, string? marketplace, string consentHost, string tokenHost)
    {
        await using var vault = await VaultHarness.StartAsync();
        var browser = new OAuthBrowser(vault);
        var secret = SellerSecret.Generate();

        var start = await browser.StartAsync(await browser.AuthorizeUrlAsync("seller-1", secret, api, region, marketplace));

        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var consent = start.Headers.Location!;
        Assert.StartsWith(vault.Simulator.BaseAddress + consentHost + "/", consent.ToString(), StringComparison.Ordinal);
        var query = OAuthBrowser.Query(consent);
        Assert.Equal(vault.BaseAddress + "oauth/callback", query["redirect_uri"]);
        Assert.True(query["state"].Length >= 43);
        if (api == "ads")
        {
            Assert.Equal("/ap/oa", consent.AbsolutePath[(consentHost.Length + 1)..]);
            Assert.Equal("advertising::campaign_management", query["scope"]);
            Assert.Equal("code", query["response_type"]);
        }
        else
        {
            Assert.EndsWith("/apps/authorize/consent", consent.AbsolutePath, StringComparison.Ordinal);
            Assert.False(query.ContainsKey("version"));
        }

        var done = await browser.CallbackAsync(await browser.ConsentAsync(consent, "allow"));

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal($"{VaultHarness.WmsOrigin}/amazon/done?status=connected&sellerId=seller-1&api={api}", done.Headers.Location!.ToString());
        var connection = await vault.Store.GetConnectionAsync("default", "seller-1", api);
        Assert.NotNull(connection);
        Assert.Equal(region, connection.Region);
        Assert.Equal(TokenFormats.V1, connection.Format);
        Assert.Equal(api == "sp-api", connection.SellingPartnerId is not null);
        var binding = new TokenBinding("default", "seller-1", api);
        using (var right = SellerSecret.Parse(secret))
        {
            var opened = TokenEnvelope.Open(connection.Format, connection.Blob, right, binding);
            Assert.True(opened.Succeeded);
            Assert.False(vault.Simulator.State.Tokens.FindRefreshToken(opened.Token!.Value)?.Revoked ?? true);
        }
        using (var wrong = SellerSecret.Parse(SellerSecret.Generate()))
            Assert.Equal(OpenFailure.SecretMismatch, TokenEnvelope.Open(connection.Format, connection.Blob, wrong, binding).Failure);
        Assert.Contains(vault.Simulator.State.Calls.Snapshot(), call => call.Host == tokenHost && call.PathAndQuery.StartsWith("/auth/o2/token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheOAuthCookieIsHttpOnlyLaxScopedAndShortLived()
    {
        await using var vault = await VaultHarness.StartAsync();
        var browser = new OAuthBrowser(vault);

        var start = await browser.StartAsync(await browser.AuthorizeUrlAsync("seller-1", SellerSecret.Generate(), "sp-api", "na"));

        var setCookie = start.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/oauth", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("max-age=600", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase); // PUBLIC_BASE_URL is http here
        Assert.Equal("no-referrer", start.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task ADraftAppAsksForTheBetaConsent()
    {
        await using var vault = await VaultHarness.StartAsync(settings => settings["SPAPI_DRAFT_APP"] = "true");
        var browser = new OAuthBrowser(vault);

        var start = await browser.StartAsync(await browser.AuthorizeUrlAsync("seller-1", SellerSecret.Generate(), "sp-api", "na"));

        Assert.Equal("beta", OAuthBrowser.Query(start.Headers.Location!)["version"]);
        var done = await browser.CallbackAsync(await browser.ConsentAsync(start.Headers.Location!, "allow"));
        Assert.Contains("status=connected", done.Headers.Location!.Query, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sp-api")]
    [InlineData("ads")]
    public async Task ASellerWhoDeniesIsSentBackWithAnErrorAndNothingIsStored(string api)
    {
        await using var vault = await VaultHarness.StartAsync();

        var done = await new OAuthBrowser(vault).RunAsync("seller-1", SellerSecret.Generate(), api, "eu", "deny");

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal($"{VaultHarness.WmsOrigin}/amazon/done?status=error&error=access_denied", done.Headers.Location!.ToString());
        Assert.Null(await vault.Store.GetConnectionAsync("default", "seller-1", api));
        var audit = await vault.Store.QueryAuditAsync("default", "seller-1", null, 10, null);
        Assert.Contains(audit.Items, e => e.Action == "connection.denied");
    }

    [Fact]
    public async Task EveryConnectIsAuditedWithoutSecretsOrTokens()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();

        await new OAuthBrowser(vault).RunAsync("seller-9", secret, "sp-api", "na");

        var audit = (await vault.Store.QueryAuditAsync("default", "seller-9", null, 10, null)).Items;
        var connected = Assert.Single(audit, e => e.Action == "connection.connected");
        Assert.Equal(("wms-test", "sp-api", "na"), (connected.Actor, connected.Api, connected.Region));
        Assert.False(string.IsNullOrEmpty(connected.RequestId));
        Assert.False(string.IsNullOrEmpty(connected.Ip));
        var connection = await vault.Store.GetConnectionAsync("default", "seller-9", "sp-api");
        using var opened = SellerSecret.Parse(secret);
        var token = TokenEnvelope.Open(connection!.Format, connection.Blob, opened, new("default", "seller-9", "sp-api")).Token!.Value;
        foreach (var e in audit)
        {
            var text = string.Join('|', e.Action, e.Actor, e.Detail, e.Ip, e.RequestId, e.Region);
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(token, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AFailedCodeExchangeStoresNothingAndTellsTheWms()
    {
        await using var vault = await VaultHarness.StartAsync();
        var browser = new OAuthBrowser(vault);
        var start = await browser.StartAsync(await browser.AuthorizeUrlAsync("seller-1", SellerSecret.Generate(), "sp-api", "na"));
        var callback = await browser.ConsentAsync(start.Headers.Location!, "allow");
        vault.Simulator.State.Faults.Add(new Vault.AmazonSimulator.Controls.FaultSpec(Host: "api.amazon.com", ErrorRate: 1.0, ErrorStatus: 503));

        var done = await browser.CallbackAsync(callback);

        Assert.Equal($"{VaultHarness.WmsOrigin}/amazon/done?status=error&error=amazon_error", done.Headers.Location!.ToString());
        Assert.Null(await vault.Store.GetConnectionAsync("default", "seller-1", "sp-api"));
        // A code is single-use: the exchange is not retried (OAuthCodeExchangeTests).
        Assert.Equal(1, vault.Simulator.State.Calls.Snapshot().Count(c => c.Host == "api.amazon.com"));
    }
}
