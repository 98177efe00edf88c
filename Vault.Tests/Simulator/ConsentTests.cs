using System.Net;
using static Vault.Tests.Simulator.RunningSimulator;

namespace Vault.Tests.Simulator;

public class ConsentTests
{
    private const string ApplicationId = "amzn1.sp.solution.simulator";
    private const string SellerId = "A3SIMULATED0042";

    [Theory]
    [InlineData("sellercentral.amazon.com")]
    [InlineData("sellercentral-europe.amazon.com")]
    [InlineData("sellercentral-japan.amazon.com")]
    public async Task AllowingInSellerCentralRedirectsWithStateSellingPartnerIdAndACodeThatExchanges(string host)
    {
        await using var sim = await StartAsync();
        var consent = sim.Url(host, $"/apps/authorize/consent?application_id={ApplicationId}&state=st-123&redirect_uri={Uri.EscapeDataString(RedirectUri)}&version=beta&sim_selling_partner_id={SellerId}");

        using var allowed = await ConsentForms.ClickAsync(sim, consent, "allow");

        Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
        Assert.StartsWith(RedirectUri + "?", allowed.Headers.Location!.ToString(), StringComparison.Ordinal);
        var query = RedirectQuery(allowed);
        Assert.Equal(["selling_partner_id", "spapi_oauth_code", "state"], query.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("st-123", query["state"]);
        Assert.Equal(SellerId, query["selling_partner_id"]);

        using var exchange = await sim.PostTokenAsync("api.amazon.com",
            ("grant_type", "authorization_code"), ("code", query["spapi_oauth_code"]), ("redirect_uri", RedirectUri),
            ("client_id", SpApiClientId), ("client_secret", SpApiClientSecret));
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        var refreshToken = (await JsonAsync(exchange)).GetProperty("refresh_token").GetString()!;
        Assert.Equal(SellerId, sim.State.Tokens.FindRefreshToken(refreshToken)!.SellingPartnerId);
    }

    [Fact]
    public async Task WithoutAChosenSellerTheSellingPartnerIdLooksLikeAmazons()
    {
        await using var sim = await StartAsync();
        var consent = sim.Url("sellercentral.amazon.co.uk", $"/apps/authorize/consent?application_id={ApplicationId}&state=s&redirect_uri={Uri.EscapeDataString(RedirectUri)}");

        using var allowed = await ConsentForms.ClickAsync(sim, consent, "allow");

        Assert.Matches("^A[0-9A-Z]{13}$", RedirectQuery(allowed)["selling_partner_id"]);
    }

    [Fact]
    public async Task DenyingInSellerCentralRedirectsWithAccessDeniedAndState()
    {
        await using var sim = await StartAsync();
        var consent = sim.Url("sellercentral.amazon.com", $"/apps/authorize/consent?application_id={ApplicationId}&state=st-9&redirect_uri={Uri.EscapeDataString(RedirectUri)}");

        using var denied = await ConsentForms.ClickAsync(sim, consent, "deny");

        Assert.Equal(HttpStatusCode.Found, denied.StatusCode);
        var query = RedirectQuery(denied);
        Assert.Equal(["error", "error_description", "state"], query.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("st-9", query["state"]);
    }

    [Fact]
    public async Task AnUnknownApplicationIdGetsAnErrorPageAndNoRedirect()
    {
        await using var sim = await StartAsync();

        using var response = await sim.Http.GetAsync(sim.Url("sellercentral.amazon.com",
            $"/apps/authorize/consent?application_id=amzn1.sp.solution.other&state=s&redirect_uri={Uri.EscapeDataString(RedirectUri)}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ARedirectUriOffLoopbackIsRefusedWhenNoneAreConfigured()
    {
        await using var sim = await StartAsync();

        using var response = await sim.Http.GetAsync(sim.Url("sellercentral.amazon.com",
            $"/apps/authorize/consent?application_id={ApplicationId}&state=s&redirect_uri={Uri.EscapeDataString("https://evil.example/cb")}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Theory]
    [InlineData("www.amazon.com")]
    [InlineData("eu.account.amazon.com")]
    [InlineData("apac.account.amazon.com")]
    public async Task AllowingOnTheLwaPageRedirectsWithCodeScopeAndStateAndTheCodeExchanges(string host)
    {
        await using var sim = await StartAsync();
        var consent = sim.Url(host, $"/ap/oa?client_id={AdsClientId}&scope=advertising::campaign_management&response_type=code&redirect_uri={Uri.EscapeDataString(RedirectUri)}&state=ads-1");

        using var allowed = await ConsentForms.ClickAsync(sim, consent, "allow");

        Assert.Equal(HttpStatusCode.Found, allowed.StatusCode);
        var query = RedirectQuery(allowed);
        Assert.Equal(["code", "scope", "state"], query.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("advertising::campaign_management", query["scope"]);
        Assert.Equal("ads-1", query["state"]);

        using var exchange = await sim.PostTokenAsync("api.amazon.co.uk",
            ("grant_type", "authorization_code"), ("code", query["code"]), ("redirect_uri", RedirectUri),
            ("client_id", AdsClientId), ("client_secret", AdsClientSecret));
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
    }

    [Fact]
    public async Task DenyingOnTheLwaPageRedirectsWithAccessDenied()
    {
        await using var sim = await StartAsync();
        var consent = sim.Url("www.amazon.com", $"/ap/oa?client_id={AdsClientId}&scope=advertising::campaign_management&response_type=code&redirect_uri={Uri.EscapeDataString(RedirectUri)}&state=ads-2");

        using var denied = await ConsentForms.ClickAsync(sim, consent, "deny");

        var query = RedirectQuery(denied);
        Assert.Equal(["error", "error_description", "state"], query.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("access_denied", query["error"]);
        Assert.Equal("ads-2", query["state"]);
    }

    [Fact]
    public async Task TheLwaPageShowsAnErrorForAnUnknownClientAndRedirectsAWrongResponseType()
    {
        await using var sim = await StartAsync();
        var redirect = Uri.EscapeDataString(RedirectUri);

        using var unknown = await sim.Http.GetAsync(sim.Url("www.amazon.com",
            $"/ap/oa?client_id=amzn1.application-oa2-client.nobody&scope=advertising::campaign_management&response_type=code&redirect_uri={redirect}&state=s"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Null(unknown.Headers.Location);

        using var token = await sim.Http.GetAsync(sim.Url("www.amazon.com",
            $"/ap/oa?client_id={AdsClientId}&scope=advertising::campaign_management&response_type=token&redirect_uri={redirect}&state=s"));
        Assert.Equal(HttpStatusCode.Found, token.StatusCode);
        Assert.Equal("unsupported_response_type", RedirectQuery(token)["error"]);
        Assert.Equal("s", RedirectQuery(token)["state"]);
    }
}
