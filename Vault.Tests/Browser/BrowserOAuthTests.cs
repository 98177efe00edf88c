using Microsoft.Playwright;
using Vault.Crypto;
using Vault.Tests.OAuth;
using Vault.Tests.Support;

namespace Vault.Tests.Browser;

/// <summary>
/// The OAuth flow in a real headless Chromium: the browser opens the vault's authorizeUrl, gets the
/// vault's cookie, clicks a button on the simulator's consent page, follows Amazon's redirect to the
/// vault's callback with that cookie (nothing carried by hand) and lands on the WMS page.
/// </summary>
[Trait("Category", "Slow")] // drives Chromium
public class BrowserOAuthTests(ChromiumFixture browser) : IClassFixture<ChromiumFixture>
{
    private const string SellerId = "seller-1";
    private const string CookieName = "vault_oauth";

    public static TheoryData<string, string, string?, string> Apis => new()
    {
        { "sp-api", "na", "ATVPDKIKX0DER", "sellercentral.amazon.com" },
        { "ads", "eu", null, "eu.account.amazon.com" },
    };

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task ASellerWhoClicksAllowLandsOnTheWmsPageConnected(string api, string region, string? marketplace, string consentHost)
    {
        await using var flow = await Flow.StartAsync(browser.Chromium);
        var page = flow.Page;

        await flow.OpenConsentPageAsync(api, region, marketplace, consentHost);
        await flow.ClickAndLandAsync("allow");

        Assert.Equal($"{flow.Wms.DoneUrl}?status=connected&sellerId={SellerId}&api={api}", page.Url);
        Assert.Equal("connected", await page.InnerTextAsync("#status"));
        var connection = await flow.Vault.Store.GetConnectionAsync("default", SellerId, api);
        Assert.NotNull(connection);
        Assert.Equal(region, connection.Region);
        Assert.Empty(await flow.OAuthCookiesAsync()); // cleared by the callback
    }

    [Theory]
    [MemberData(nameof(Apis))]
    public async Task ASellerWhoClicksDenyLandsOnTheWmsPageWithAnErrorAndNothingIsStored(string api, string region, string? marketplace, string consentHost)
    {
        await using var flow = await Flow.StartAsync(browser.Chromium);
        var page = flow.Page;

        await flow.OpenConsentPageAsync(api, region, marketplace, consentHost);
        await flow.ClickAndLandAsync("deny");

        Assert.Equal($"{flow.Wms.DoneUrl}?status=error&error=access_denied", page.Url);
        Assert.Equal("access_denied", await page.InnerTextAsync("#error"));
        Assert.Null(await flow.Vault.Store.GetConnectionAsync("default", SellerId, api));
        var audit = await flow.Vault.Store.QueryAuditAsync("default", SellerId, null, 10, null);
        Assert.Contains(audit.Items, e => e.Action == "connection.denied");
        Assert.Empty(await flow.OAuthCookiesAsync());
    }

    /// <summary>The WMS page server, the vault (allowing the WMS origin) with its simulator, and a fresh browser page.</summary>
    private sealed class Flow : IAsyncDisposable
    {
        private Flow(WmsPages wms, VaultHarness vault, HeadlessChromium chromium, IPage page)
        {
            Wms = wms;
            Vault = vault;
            Chromium = chromium;
            Page = page;
        }

        public WmsPages Wms { get; }
        public VaultHarness Vault { get; }
        public HeadlessChromium Chromium { get; }
        public IPage Page { get; }

        public static async Task<Flow> StartAsync(HeadlessChromium chromium)
        {
            var wms = await WmsPages.StartAsync();
            VaultHarness? vault = null;
            try
            {
                vault = await VaultHarness.StartAsync(settings => settings["ALLOWED_REDIRECT_ORIGINS"] += "," + wms.OriginText);
                return new Flow(wms, vault, chromium, await chromium.FreshPageAsync());
            }
            catch
            {
                if (vault is not null)
                    await vault.DisposeAsync();
                await wms.DisposeAsync();
                throw;
            }
        }

        /// <summary>The WMS asks for an authorizeUrl; the browser opens it and arrives on Amazon's consent page holding the vault's cookie.</summary>
        public async Task OpenConsentPageAsync(string api, string region, string? marketplace, string consentHost)
        {
            var authorizeUrl = await new OAuthBrowser(Vault).AuthorizeUrlAsync(SellerId, SellerSecret.Generate(), api, region, marketplace, Wms.DoneUrl);
            Assert.Equal(Vault.BaseAddress.GetLeftPart(UriPartial.Authority) + "/oauth/start", authorizeUrl.GetLeftPart(UriPartial.Path));

            var response = await Page.GotoAsync(authorizeUrl.ToString());

            Assert.True(response is { Ok: true }, $"the consent page did not load: {await HeadlessChromium.DescribeAsync(Page)}");
            Assert.StartsWith(Vault.Simulator.BaseAddress + consentHost + "/", Page.Url, StringComparison.Ordinal);
            var cookie = Assert.Single(await OAuthCookiesAsync());
            Assert.True(cookie.HttpOnly);
            Assert.False(cookie.Secure); // PUBLIC_BASE_URL is http here
            Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
            Assert.Equal("/oauth", cookie.Path);
        }

        /// <summary>
        /// Clicks Allow or Deny and waits for the page the redirects (Amazon to the vault's callback, the vault
        /// onwards) end on, which should be the WMS page: any other page fails the test at once, with what it shows.
        /// </summary>
        public async Task ClickAndLandAsync(string button)
        {
            var consentPages = Vault.Simulator.BaseAddress.ToString();
            try
            {
                await Page.ClickAsync("#" + button);
                await Page.WaitForURLAsync(url => !url.StartsWith(consentPages, StringComparison.Ordinal), new() { WaitUntil = WaitUntilState.Load });
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                Assert.Fail($"after clicking {button}, {await HeadlessChromium.DescribeAsync(Page)} ({e.Message.Split('\n')[0]})");
            }

            Assert.True(Page.Url.StartsWith(Wms.DoneUrl + "?", StringComparison.Ordinal),
                $"after clicking {button}, {await HeadlessChromium.DescribeAsync(Page)}");
        }

        /// <summary>The vault's OAuth cookie as the browser would send it to the callback.</summary>
        public async Task<IReadOnlyList<BrowserContextCookiesResult>> OAuthCookiesAsync() =>
            (await Chromium.Context.CookiesAsync([Vault.BaseAddress + "oauth/callback"])).Where(c => c.Name == CookieName).ToList();

        public async ValueTask DisposeAsync()
        {
            try
            {
                // Off the servers before they stop; the fixture closes the page when the next test takes a fresh one.
                await Page.GotoAsync("about:blank");
            }
            finally
            {
                await Vault.DisposeAsync();
                await Wms.DisposeAsync();
            }
        }
    }
}
