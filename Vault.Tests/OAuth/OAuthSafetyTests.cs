using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Vault.Crypto;
using Vault.Tests.Auth;
using Vault.Tests.Simulator;
using Vault.Tests.Support;

namespace Vault.Tests.OAuth;

/// <summary>
/// docs/API.md "OAuth authorization": a bad, replayed, expired or forged ticket, cookie or state gets the plain
/// 400 page (never a redirect) and stores nothing; redirectUrl must be an allowed origin, exactly.
/// </summary>
public class OAuthSafetyTests
{
    private const string Seller = "seller-1";

    [Fact]
    public async Task ACallbackWithoutTheCookieIsRefusedAndTheRealBrowserCanStillFinish()
    {
        await using var vault = await VaultHarness.StartAsync();
        var flow = await Flow.ToCallbackAsync(vault);

        await AssertRefusedAsync(vault, await flow.Browser.CallbackAsync(flow.Callback, cookie: null));

        using var done = await flow.Browser.CallbackAsync(flow.Callback);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.NotNull(await vault.Store.GetConnectionAsync("default", Seller, "sp-api"));
    }

    [Fact]
    public async Task AStateFromAnotherBrowsersFlowIsRefused()
    {
        await using var vault = await VaultHarness.StartAsync();
        var victim = await Flow.ToCallbackAsync(vault);
        var attacker = await Flow.ToCallbackAsync(vault, seller: "seller-2");

        // Login CSRF: the attacker's callback (state and code) replayed in the victim's browser.
        await AssertRefusedAsync(vault, await victim.Browser.CallbackAsync(attacker.Callback));

        Assert.Null(await vault.Store.GetConnectionAsync("default", "seller-2", "sp-api"));
    }

    [Fact]
    public async Task AStateEditedByOneCharacterIsRefused()
    {
        await using var vault = await VaultHarness.StartAsync();
        var flow = await Flow.ToCallbackAsync(vault);
        var state = OAuthBrowser.Query(flow.Callback)["state"];

        await AssertRefusedAsync(vault, await flow.Browser.CallbackAsync(WithQuery(flow.Callback, "state", Flip(state))));
    }

    [Fact]
    public async Task AReplayedCallbackIsRefusedAndLeavesTheConnectionAsItWas()
    {
        await using var vault = await VaultHarness.StartAsync();
        var flow = await Flow.ToCallbackAsync(vault);
        using (var done = await flow.Browser.CallbackAsync(flow.Callback))
            Assert.Contains("status=connected", done.Headers.Location!.Query, StringComparison.Ordinal);
        var before = await vault.Store.GetConnectionAsync("default", Seller, "sp-api");
        Assert.NotNull(before);

        using var replay = await flow.Browser.CallbackAsync(flow.Callback);

        await AssertPlainPageAsync(replay);
        var after = await vault.Store.GetConnectionAsync("default", Seller, "sp-api");
        Assert.Equal(before.Blob, after!.Blob);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        var audit = (await vault.Store.QueryAuditAsync("default", Seller, null, 50, null)).Items;
        Assert.Single(audit, e => e.Action == "connection.connected");
    }

    [Fact]
    public async Task ATicketIsRedeemedOnce()
    {
        await using var vault = await VaultHarness.StartAsync();
        var browser = new OAuthBrowser(vault);
        var authorizeUrl = await browser.AuthorizeUrlAsync(Seller, SellerSecret.Generate(), "sp-api", "na");
        using (var first = await browser.StartAsync(authorizeUrl))
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);

        using var second = await new OAuthBrowser(vault).StartAsync(authorizeUrl);

        await AssertPlainPageAsync(second);
        Assert.False(second.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData(599, HttpStatusCode.Redirect)]
    [InlineData(600, HttpStatusCode.BadRequest)]
    [InlineData(3600, HttpStatusCode.BadRequest)]
    public async Task ATicketLivesTenMinutes(int secondsLater, HttpStatusCode expected)
    {
        var clock = new ShiftedClock();
        await using var vault = await VaultHarness.StartAsync(host: b => b.Services.AddSingleton<TimeProvider>(clock));
        var browser = new OAuthBrowser(vault);
        var authorizeUrl = await browser.AuthorizeUrlAsync(Seller, SellerSecret.Generate(), "sp-api", "na");
        clock.Advance(TimeSpan.FromSeconds(secondsLater));

        using var start = await browser.StartAsync(authorizeUrl);

        if (expected == HttpStatusCode.Redirect)
            Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        else
            await AssertRefusedAsync(vault, start);
    }

    [Fact]
    public async Task AnExpiredCookieIsRefusedEvenWithItsOwnState()
    {
        var clock = new ShiftedClock();
        await using var vault = await VaultHarness.StartAsync(host: b => b.Services.AddSingleton<TimeProvider>(clock));
        var flow = await Flow.ToCallbackAsync(vault);
        clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));

        await AssertRefusedAsync(vault, await flow.Browser.CallbackAsync(flow.Callback));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("append")]
    [InlineData("empty")]
    [InlineData("twice")]
    [InlineData("huge")]
    [InlineData("missing")]
    public async Task ATamperedTicketIsRefused(string how)
    {
        await using var vault = await VaultHarness.StartAsync();
        var browser = new OAuthBrowser(vault);
        var authorizeUrl = await browser.AuthorizeUrlAsync(Seller, SellerSecret.Generate(), "sp-api", "na");
        var ticket = OAuthBrowser.Query(authorizeUrl)["ticket"];
        var start = new Uri(vault.BaseAddress, "oauth/start");
        var url = how switch
        {
            "flip" => $"{start}?ticket={Flip(ticket)}",
            "truncate" => $"{start}?ticket={ticket[..^4]}",
            "append" => $"{start}?ticket={ticket}AAAA",
            "empty" => $"{start}?ticket=",
            "twice" => $"{start}?ticket={ticket}&ticket={ticket}",
            "huge" => $"{start}?ticket={new string('A', 6000)}",
            _ => start.ToString(),
        };

        using var response = await browser.StartAsync(new Uri(url));

        await AssertRefusedAsync(vault, response);
        Assert.Null(browser.Cookie);
        // The genuine ticket was not spent by the forgery.
        using var genuine = await browser.StartAsync(authorizeUrl);
        Assert.Equal(HttpStatusCode.Redirect, genuine.StatusCode);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("empty")]
    [InlineData("another-key")]
    public async Task ATamperedCookieIsRefused(string how)
    {
        await using var vault = await VaultHarness.StartAsync();
        var flow = await Flow.ToCallbackAsync(vault);
        var value = flow.Browser.Cookie!["vault_oauth=".Length..];
        var forged = how switch
        {
            "flip" => Flip(value),
            "truncate" => value[..^4],
            "empty" => "",
            _ => new PayloadSealer(new string('z', 64), "oauth-cookie").Seal(Encoding.UTF8.GetBytes("{}")),
        };

        await AssertRefusedAsync(vault, await flow.Browser.CallbackAsync(flow.Callback, "vault_oauth=" + forged));
    }

    [Fact]
    public async Task ATicketIsNeverAcceptedAsTheCookie()
    {
        await using var vault = await VaultHarness.StartAsync();
        var flow = await Flow.ToCallbackAsync(vault);
        var spareTicket = OAuthBrowser.Query(await flow.Browser.AuthorizeUrlAsync(Seller, SellerSecret.Generate(), "sp-api", "na"))["ticket"];

        await AssertRefusedAsync(vault, await flow.Browser.CallbackAsync(flow.Callback, "vault_oauth=" + spareTicket));
    }

    [Fact]
    public async Task TheCookieIsNeverAcceptedAsATicket()
    {
        await using var vault = await VaultHarness.StartAsync();
        var flow = await Flow.ToCallbackAsync(vault);
        var cookie = flow.Browser.Cookie!["vault_oauth=".Length..];

        using var response = await vault.Http.GetAsync($"/oauth/start?ticket={cookie}");

        await AssertRefusedAsync(vault, response);
    }

    [Fact]
    public async Task AnAmazonErrorWithoutTheCookieIsThePlainPageNotARedirect()
    {
        await using var vault = await VaultHarness.StartAsync();
        var flow = await Flow.ToCallbackAsync(vault);
        var state = OAuthBrowser.Query(flow.Callback)["state"];

        using var response = await flow.Browser.CallbackAsync(
            new Uri(vault.BaseAddress, $"oauth/callback?error=access_denied&error_description=no&state={state}"), cookie: null);

        await AssertRefusedAsync(vault, response);
    }

    [Theory]
    [InlineData("two-states")]
    [InlineData("no-state")]
    [InlineData("empty-state")]
    public async Task ACallbackWithoutExactlyOneStateIsRefused(string how)
    {
        await using var vault = await VaultHarness.StartAsync();
        var flow = await Flow.ToCallbackAsync(vault);
        var state = OAuthBrowser.Query(flow.Callback)["state"];
        var url = how switch
        {
            "two-states" => flow.Callback + "&state=" + state,
            "no-state" => WithQuery(flow.Callback, "state", null).ToString(),
            _ => WithQuery(flow.Callback, "state", "").ToString(),
        };

        await AssertRefusedAsync(vault, await flow.Browser.CallbackAsync(new Uri(url)));
    }

    [Theory]
    [InlineData("/caf%C3%A9/done")]
    [InlineData("/a%20b?x=%E2%80%AE")]
    [InlineData("/done?next=%2F%2Fevil.com#top")]
    public async Task TheRedirectBackIsTheWmsUrlWithItsEscapesKept(string pathAndQuery)
    {
        await using var vault = await VaultHarness.StartAsync();
        var browser = new OAuthBrowser(vault);
        var start = await browser.StartAsync(await browser.AuthorizeUrlAsync(Seller, SellerSecret.Generate(), "sp-api", "na", redirectUrl: VaultHarness.WmsOrigin + pathAndQuery));
        var callback = await browser.ConsentAsync(start.Headers.Location!, "allow");

        using var done = await browser.CallbackAsync(callback);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var (path, fragment) = pathAndQuery.Split('#') is [var p, var f] ? (p, "#" + f) : (pathAndQuery, "");
        var join = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        Assert.Equal($"{VaultHarness.WmsOrigin}{path}{join}status=connected&sellerId={Seller}&api=sp-api{fragment}", done.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task BehindAProxyPathTheCookieIsScopedToThePublicCallbackPath()
    {
        await using var vault = await VaultHarness.StartAsync(settings => settings["PUBLIC_BASE_URL"] = "https://vault.example.com/tenant-a/vault/");
        var authorizeUrl = await new OAuthBrowser(vault).AuthorizeUrlAsync(Seller, SellerSecret.Generate(), "sp-api", "na");
        Assert.StartsWith("https://vault.example.com/tenant-a/vault/oauth/start?ticket=", authorizeUrl.ToString(), StringComparison.Ordinal);

        // The proxy strips its prefix, so the vault itself serves /oauth/start.
        using var start = await vault.Http.GetAsync("/oauth/start" + authorizeUrl.Query);

        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.Equal("https://vault.example.com/tenant-a/vault/oauth/callback", OAuthBrowser.Query(start.Headers.Location!)["redirect_uri"]);
        var setCookie = start.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("path=/tenant-a/vault/oauth;", setCookie + ";", StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; secure", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("https://wms.example.com.evil.com/x")]
    [InlineData("https://wms.example.com@evil.com/")]
    [InlineData("https://user:pass@wms.example.com/")]
    [InlineData("https://evil.com/?u=https://wms.example.com")]
    [InlineData("https://evil.com/#https://wms.example.com")]
    [InlineData("javascript:alert(1)")]
    [InlineData("JavaScript://wms.example.com/%0aalert(1)")]
    [InlineData("data:text/html,x")]
    [InlineData("http://wms.example.com/")]
    [InlineData("//evil.com/x")]
    [InlineData("//wms.example.com/x")]
    [InlineData("/relative")]
    [InlineData("relative/path")]
    [InlineData("https://evil.com\\@wms.example.com")]
    [InlineData("https:\\\\wms.example.com\\x")]
    [InlineData("https://wms.example.com:8443/")]
    [InlineData("https://wms.example.com./x")]
    [InlineData("https://wms.exаmple.com/x")]
    [InlineData("https://wms.example.com/a\u0007b")]
    [InlineData("https://wms.example.com/a\nb")]
    [InlineData("https://wms.example.com/\u0000")]
    [InlineData(" https://wms.example.com/x")]
    [InlineData("https://wms.example.com/x ")]
    [InlineData("https://wms.example.com/a b")]
    [InlineData("https://wms.example.com/\u00a0")]
    [InlineData("ftp://wms.example.com/")]
    [InlineData("http://127.0.0.1:7778/")]
    [InlineData("http://127.0.0.1:7777@evil.com/")]
    [InlineData("")]
    [InlineData("LONG")]
    public async Task ARedirectUrlOutsideTheAllowedOriginsIsInvalid(string redirectUrl)
    {
        await using var vault = await VaultHarness.StartAsync();
        if (redirectUrl == "LONG")
            redirectUrl = VaultHarness.WmsOrigin + "/" + new string('a', 3000);

        using var response = await vault.SendAsync(HttpMethod.Post, $"/v1/sellers/{Seller}/authorizations", SellerSecret.Generate(),
            new { api = "sp-api", region = "na", redirectUrl });

        await ProblemAssert.InvalidRequestAsync(response, "redirectUrl");
        await AssertNothingWrittenAsync(vault);
    }

    [Theory]
    [InlineData("https://WMS.EXAMPLE.COM/x")]
    [InlineData("https://wms.example.com:443/x?a=1#f")]
    [InlineData("http://127.0.0.1:7777/done")]
    public async Task ARedirectUrlOnAnAllowedOriginIsAccepted(string redirectUrl)
    {
        await using var vault = await VaultHarness.StartAsync();

        using var response = await vault.SendAsync(HttpMethod.Post, $"/v1/sellers/{Seller}/authorizations", SellerSecret.Generate(),
            new { api = "sp-api", region = "na", redirectUrl });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("LONG")]
    [InlineData("a%2Fb")]
    [InlineData("a%2fb")]
    [InlineData("%C3%A9")]
    [InlineData("a%20b")]
    [InlineData("a%5Cb")]
    public async Task ASellerIdPastItsLimitsIsInvalid(string sellerId)
    {
        await using var vault = await VaultHarness.StartAsync();
        if (sellerId == "LONG")
            sellerId = new string('a', 129);

        using var response = await vault.SendAsync(HttpMethod.Post, $"/v1/sellers/{sellerId}/authorizations", SellerSecret.Generate(),
            new { api = "sp-api", region = "na", redirectUrl = VaultHarness.WmsOrigin + "/done" });

        await ProblemAssert.InvalidRequestAsync(response, "sellerId");
        await AssertNothingWrittenAsync(vault);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    [InlineData("AAAA")]
    [InlineData("LONG")]
    [InlineData("TWICE")]
    public async Task AMissingOrMalformedSecretIsInvalidSecretFormatAndWritesNothing(string secret)
    {
        await using var vault = await VaultHarness.StartAsync();
        using var request = vault.Request(HttpMethod.Post, $"/v1/sellers/{Seller}/authorizations",
            json: new { api = "sp-api", region = "na", redirectUrl = VaultHarness.WmsOrigin + "/done" });
        if (secret == "TWICE")
        {
            request.Headers.Add("x-amazon-token-secret", SellerSecret.Generate());
            request.Headers.Add("x-amazon-token-secret", SellerSecret.Generate());
        }
        else if (secret != "missing")
        {
            request.Headers.TryAddWithoutValidation("x-amazon-token-secret", secret == "LONG" ? Convert.ToBase64String(new byte[4096]) : secret);
        }

        using var response = await vault.Http.SendAsync(request);

        var body = await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "invalid_secret_format");
        Assert.StartsWith("x-amazon-token-secret", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertNothingWrittenAsync(vault);
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("already-used")]
    public async Task AnInvalidGrantFromAmazonSendsTheSellerBackWithAnErrorAndStoresNothing(string why)
    {
        await using var vault = await VaultHarness.StartAsync();
        var flow = await Flow.ToCallbackAsync(vault);
        var code = OAuthBrowser.Query(flow.Callback)["spapi_oauth_code"];
        if (why == "expired")
        {
            vault.Simulator.Clock.Advance(TimeSpan.FromMinutes(6));
        }
        else
        {
            using var spent = await vault.Simulator.PostTokenAsync("api.amazon.com", ("grant_type", "authorization_code"), ("code", code),
                ("redirect_uri", vault.BaseAddress + "oauth/callback"), ("client_id", RunningSimulator.SpApiClientId), ("client_secret", RunningSimulator.SpApiClientSecret));
            Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        }
        var callsBefore = TokenCalls(vault);

        using var done = await flow.Browser.CallbackAsync(flow.Callback);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal($"{VaultHarness.WmsOrigin}/amazon/done?status=error&error=amazon_error", done.Headers.Location!.ToString());
        Assert.Null(await vault.Store.GetConnectionAsync("default", Seller, "sp-api"));
        var audit = (await vault.Store.QueryAuditAsync("default", Seller, null, 50, null)).Items;
        Assert.Contains(audit, e => e.Action == "connection.failed");
        Assert.DoesNotContain(audit, e => e.Action == "connection.connected");
        // invalid_grant is an answer, not a fault: asked once, not retried.
        Assert.Equal(callsBefore + 1, TokenCalls(vault));
    }

    private static int TokenCalls(VaultHarness vault) =>
        vault.Simulator.State.Calls.Snapshot().Count(c => c.Host == "api.amazon.com" && c.PathAndQuery.StartsWith("/auth/o2/token", StringComparison.Ordinal));

    /// <summary>The refusal of docs/API.md: the plain 400 page, no redirect anywhere, and no connection stored.</summary>
    private static async Task AssertRefusedAsync(VaultHarness vault, HttpResponseMessage response)
    {
        using (response)
            await AssertPlainPageAsync(response);
        Assert.Null(await vault.Store.GetConnectionAsync("default", Seller, "sp-api"));
        var audit = (await vault.Store.QueryAuditAsync("default", null, null, 50, null)).Items;
        Assert.DoesNotContain(audit, e => e.Action.StartsWith("connection.", StringComparison.Ordinal));
    }

    private static async Task AssertPlainPageAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("This authorization link cannot be used", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        // If a cookie is set at all, it is only the OAuth cookie being cleared.
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
            Assert.All(cookies, c => Assert.StartsWith("vault_oauth=;", c, StringComparison.Ordinal));
    }

    private static async Task AssertNothingWrittenAsync(VaultHarness vault) =>
        Assert.Empty((await vault.Store.QueryAuditAsync("default", null, null, 50, null)).Items);

    private static string Flip(string text)
    {
        var i = text.Length / 2;
        return string.Concat(text.AsSpan(0, i), text[i] == 'A' ? "B" : "A", text.AsSpan(i + 1));
    }

    private static Uri WithQuery(Uri uri, string name, string? value)
    {
        var query = OAuthBrowser.Query(uri);
        if (value is null)
            query.Remove(name);
        else
            query[name] = value;
        var left = uri.GetLeftPart(UriPartial.Path);
        return new Uri(left + "?" + string.Join('&', query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")));
    }

    /// <summary>One browser's flow up to Amazon's redirect back: its cookie is set and the callback not yet visited.</summary>
    private sealed record Flow(OAuthBrowser Browser, Uri Callback)
    {
        public static async Task<Flow> ToCallbackAsync(VaultHarness vault, string seller = Seller)
        {
            var browser = new OAuthBrowser(vault);
            using var start = await browser.StartAsync(await browser.AuthorizeUrlAsync(seller, SellerSecret.Generate(), "sp-api", "na"));
            Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
            Assert.NotNull(browser.Cookie);
            return new Flow(browser, await browser.ConsentAsync(start.Headers.Location!, "allow"));
        }
    }

    /// <summary>The real clock moved forward by the test, so JWTs made with the real time stay valid.</summary>
    private sealed class ShiftedClock : TimeProvider
    {
        private long _offsetTicks;

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
    }
}
