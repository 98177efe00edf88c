using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vault.Crypto;
using Vault.Tests.OAuth;
using Vault.Tests.Support;

namespace Vault.Tests.Limits;

/// <summary>
/// Behind a proxy every request arrives from the proxy's address: the client is taken from X-Forwarded-For
/// (TRUSTED_PROXIES) or one header such as Fly-Client-IP (CLIENT_IP_HEADER), and only from a peer trusted to set it.
/// The per-address OAuth limit (60 a minute) and the audit rows use that client.
/// </summary>
public sealed class ClientAddressTests
{
    private const int OAuthBudget = 60;

    [Fact]
    public async Task BehindATrustedProxyEachForwardedClientHasItsOwnOAuthBudget()
    {
        await using var vault = await VaultHarness.StartAsync(s => s["TRUSTED_PROXIES"] = "127.0.0.1");

        var manyClients = await OAuthStartsAsync(vault, OAuthBudget + 10, i => [("X-Forwarded-For", $"198.51.100.{i}")]);
        var oneClient = await OAuthStartsAsync(vault, OAuthBudget + 1, _ => [("X-Forwarded-For", "203.0.113.9")]);

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, manyClients);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, oneClient.Take(OAuthBudget));
        Assert.Equal(HttpStatusCode.TooManyRequests, oneClient[^1]);
    }

    [Fact]
    public async Task WithFlyClientIpTheHeaderDecidesAndForwardedForIsIgnored()
    {
        await using var vault = await VaultHarness.StartAsync(s => s["CLIENT_IP_HEADER"] = "Fly-Client-IP");

        var manyClients = await OAuthStartsAsync(vault, OAuthBudget + 10, i => [("Fly-Client-IP", $"198.51.100.{i}"), ("X-Forwarded-For", "192.0.2.1")]);
        var oneClient = await OAuthStartsAsync(vault, OAuthBudget + 1, i => [("Fly-Client-IP", "203.0.113.9"), ("X-Forwarded-For", $"192.0.2.{i}")]);
        var ip = await DeleteAuditIpAsync(vault, ("Fly-Client-IP", "2001:db8::7"), ("X-Forwarded-For", "192.0.2.1"));

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, manyClients);
        Assert.Equal(HttpStatusCode.TooManyRequests, oneClient[^1]);
        Assert.Equal("2001:db8::7", ip);
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData(null, null, true)]
    [InlineData("10.0.0.0/8,192.0.2.1", null, false)]
    [InlineData("10.0.0.0/8,192.0.2.1", null, true)]
    [InlineData("10.0.0.0/8", "Fly-Client-IP", false)]
    public async Task ForwardingHeadersFromAnUntrustedPeerChangeNothing(string? trusted, string? clientIpHeader, bool frameworkSwitch)
    {
        await using var vault = await VaultHarness.StartAsync(s =>
        {
            s["TRUSTED_PROXIES"] = trusted;
            s["CLIENT_IP_HEADER"] = clientIpHeader;
            // ASPNETCORE_FORWARDEDHEADERS_ENABLED=true would have ASP.NET Core trust every peer; the vault's list still decides.
            s["FORWARDEDHEADERS_ENABLED"] = frameworkSwitch ? "true" : null;
        });

        var forged = await OAuthStartsAsync(vault, OAuthBudget + 1, i => [("X-Forwarded-For", $"198.51.100.{i}"), ("Fly-Client-IP", $"198.51.100.{i}")]);
        var ip = await DeleteAuditIpAsync(vault, ("X-Forwarded-For", "198.51.100.7"), ("Fly-Client-IP", "198.51.100.7"));

        Assert.Equal(HttpStatusCode.TooManyRequests, forged[^1]);
        Assert.Equal("127.0.0.1", ip);
    }

    [Fact]
    public async Task AuditRowsRecordTheForwardedClientAndTheChainIsWalkedOnlyThroughTrustedProxies()
    {
        await using var vault = await VaultHarness.StartAsync(s => s["TRUSTED_PROXIES"] = "127.0.0.1, 10.0.0.0/8");

        var direct = await DeleteAuditIpAsync(vault, ("X-Forwarded-For", "198.51.100.7"));
        var twoHops = await DeleteAuditIpAsync(vault, ("X-Forwarded-For", "198.51.100.8, 10.1.2.3"));
        // The client may send its own X-Forwarded-For; the first untrusted address from the right is the client.
        var spoofed = await DeleteAuditIpAsync(vault, ("X-Forwarded-For", "6.6.6.6, 198.51.100.9, 10.1.2.3"));

        Assert.Equal(new string?[] { "198.51.100.7", "198.51.100.8", "198.51.100.9" }, new[] { direct, twoHops, spoofed });
    }

    [Fact]
    public async Task IPv6ClientsShareTheBudgetOfTheirSlash64()
    {
        await using var vault = await VaultHarness.StartAsync(s => s["CLIENT_IP_HEADER"] = "Fly-Client-IP");

        var oneSubscriber = await OAuthStartsAsync(vault, OAuthBudget + 1, i => [("Fly-Client-IP", $"2001:db8:1:2::{i + 1:x}")]);
        var neighbour = await OAuthStartsAsync(vault, 1, _ => [("Fly-Client-IP", "2001:db8:1:3::1")]);

        Assert.Equal(HttpStatusCode.TooManyRequests, oneSubscriber[^1]);
        Assert.NotEqual(HttpStatusCode.TooManyRequests, neighbour[0]);
    }

    [Fact]
    public async Task ACallbackWithAValidCookiePassesWhenTheAddressBudgetIsSpent()
    {
        await using var vault = await VaultHarness.StartAsync();
        var browser = new OAuthBrowser(vault);
        using var start = await browser.StartAsync(await browser.AuthorizeUrlAsync("seller-1", SellerSecret.Generate(), "sp-api", "na"));
        var callback = await browser.ConsentAsync(start.Headers.Location!, "allow");

        var junk = await OAuthStartsAsync(vault, OAuthBudget, _ => []);
        using var withoutCookie = await browser.CallbackAsync(callback, cookie: null);
        using var forgedCookie = await browser.CallbackAsync(callback, cookie: "vault_oauth=" + new string('A', 120));
        using var done = await browser.CallbackAsync(callback);

        Assert.Equal(HttpStatusCode.TooManyRequests, junk[^1]);
        Assert.Equal(HttpStatusCode.TooManyRequests, withoutCookie.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, forgedCookie.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Contains("status=connected", done.Headers.Location!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredCookieDoesNotPassTheSpentBudget()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var vault = await VaultHarness.StartAsync(host: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var browser = new OAuthBrowser(vault);
        using var start = await browser.StartAsync(await browser.AuthorizeUrlAsync("seller-1", SellerSecret.Generate(), "sp-api", "na"));
        var callback = await browser.ConsentAsync(start.Headers.Location!, "allow");
        await OAuthStartsAsync(vault, OAuthBudget, _ => []);

        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        using var expired = await browser.CallbackAsync(callback);

        Assert.Equal(HttpStatusCode.TooManyRequests, expired.StatusCode);
    }

    /// <summary>Junk /oauth/start requests (no ticket): each costs one permit and is answered 400, or 429 once the budget is spent.</summary>
    private static async Task<List<HttpStatusCode>> OAuthStartsAsync(VaultHarness vault, int count, Func<int, (string Name, string Value)[]> headers)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/oauth/start?ticket=junk");
            foreach (var (name, value) in headers(i))
                request.Headers.TryAddWithoutValidation(name, value);
            using var response = await vault.Http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }
        return statuses;
    }

    /// <summary>Deletes a freshly seeded seller with the given headers and returns the address its audit row recorded.</summary>
    private static async Task<string?> DeleteAuditIpAsync(VaultHarness vault, params (string Name, string Value)[] headers)
    {
        var seller = "seller-" + Guid.NewGuid().ToString("N")[..8];
        await Seed.ConnectionAsync(vault, seller);
        using var request = vault.Request(HttpMethod.Delete, $"/v1/sellers/{seller}");
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        using var response = await vault.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await vault.Store.QueryAuditAsync("default", seller, null, 10, null);
        return Assert.Single(page.Items, e => e.Action == "connection.deleted").Ip;
    }
}
