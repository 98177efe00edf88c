using System.Net;
using System.Net.Http.Headers;
using System.Text;
using static Vault.Tests.Simulator.RunningSimulator;

namespace Vault.Tests.Simulator;

public class LwaTokenEndpointTests
{
    [Fact]
    public async Task AnAuthorizationCodeExchangesForTokensExactlyOnce()
    {
        await using var sim = await StartAsync();
        var code = sim.State.Codes.Issue(SpApiClientId, RedirectUri, "A1SIMSELLER0001", scope: null);

        using var first = await ExchangeAsync(sim, code, RedirectUri);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await JsonAsync(first);
        Assert.StartsWith("Atza|", body.GetProperty("access_token").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Atzr|", body.GetProperty("refresh_token").GetString(), StringComparison.Ordinal);
        Assert.Equal("bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
        Assert.Equal("no-store", first.Headers.CacheControl?.ToString());

        using var second = await ExchangeAsync(sim, code, RedirectUri);
        await AssertLwaErrorAsync(second, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task AnAuthorizationCodeExpiresFiveMinutesAfterIssue()
    {
        await using var sim = await StartAsync();
        var fresh = sim.State.Codes.Issue(SpApiClientId, RedirectUri, "A1SIMSELLER0001", scope: null);
        var stale = sim.State.Codes.Issue(SpApiClientId, RedirectUri, "A1SIMSELLER0001", scope: null);

        sim.Clock.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));
        using var inTime = await ExchangeAsync(sim, fresh, RedirectUri);
        Assert.Equal(HttpStatusCode.OK, inTime.StatusCode);

        sim.Clock.Advance(TimeSpan.FromSeconds(1));
        using var late = await ExchangeAsync(sim, stale, RedirectUri);
        await AssertLwaErrorAsync(late, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task ACodeWorksOnlyForItsClientAndItsRedirectUri()
    {
        await using var sim = await StartAsync();
        var code = sim.State.Codes.Issue(SpApiClientId, RedirectUri, "A1SIMSELLER0001", scope: null);

        using var otherClient = await sim.PostTokenAsync("api.amazon.com",
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", RedirectUri),
            ("client_id", AdsClientId), ("client_secret", AdsClientSecret));
        await AssertLwaErrorAsync(otherClient, HttpStatusCode.BadRequest, "invalid_grant");

        using var otherRedirect = await ExchangeAsync(sim, code, "http://127.0.0.1:5555/elsewhere");
        await AssertLwaErrorAsync(otherRedirect, HttpStatusCode.BadRequest, "invalid_grant");

        // Neither failed attempt spent the code: its owner can still redeem it.
        using var owner = await ExchangeAsync(sim, code, RedirectUri);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }

    [Fact]
    public async Task AWrongSecretOrUnknownClientIsInvalidClientWith401()
    {
        await using var sim = await StartAsync();
        var (refreshToken, _) = sim.State.IssueRefreshToken(SpApiClientId);

        using var wrongSecret = await sim.PostTokenAsync("api.amazon.com",
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", SpApiClientId), ("client_secret", "nope"));
        await AssertLwaErrorAsync(wrongSecret, HttpStatusCode.Unauthorized, "invalid_client");

        using var unknown = await sim.PostTokenAsync("api.amazon.com",
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", "amzn1.application-oa2-client.x"), ("client_secret", "x"));
        await AssertLwaErrorAsync(unknown, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task ABodyThatIsNotFormEncodedIsInvalidRequest()
    {
        await using var sim = await StartAsync();
        using var json = new StringContent("""{"grant_type":"refresh_token"}""", Encoding.UTF8, "application/json");

        using var response = await sim.Http.PostAsync(sim.Url("api.amazon.com", "/auth/o2/token"), json);

        await AssertLwaErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task AnUnknownGrantTypeIsUnsupportedGrantTypeAndAMissingOneIsInvalidRequest()
    {
        await using var sim = await StartAsync();

        using var password = await sim.PostTokenAsync("api.amazon.com",
            ("grant_type", "password"), ("client_id", SpApiClientId), ("client_secret", SpApiClientSecret));
        await AssertLwaErrorAsync(password, HttpStatusCode.BadRequest, "unsupported_grant_type");

        using var missing = await sim.PostTokenAsync("api.amazon.com", ("client_id", SpApiClientId), ("client_secret", SpApiClientSecret));
        await AssertLwaErrorAsync(missing, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("api.amazon.com")]
    [InlineData("api.amazon.co.uk")]
    [InlineData("api.amazon.co.jp")]
    public async Task ARefreshTokenMintsAnAccessTokenAtEveryRegionalHostAndIsEchoed(string host)
    {
        await using var sim = await StartAsync();
        var (refreshToken, _) = sim.State.IssueRefreshToken(SpApiClientId);

        using var response = await sim.PostTokenAsync(host,
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", SpApiClientId), ("client_secret", SpApiClientSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(refreshToken, body.GetProperty("refresh_token").GetString());
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt32());
        var call = Assert.Single(sim.State.Calls.Snapshot());
        Assert.Equal(host, call.Host);
        Assert.Equal("refresh_token", call.GrantType);
        Assert.Equal(1, sim.State.Calls.TokenCallsByGrantType["refresh_token"]);
    }

    [Fact]
    public async Task ARevokedRefreshTokenIsInvalidGrant()
    {
        await using var sim = await StartAsync();
        var (refreshToken, _) = sim.State.IssueRefreshToken(SpApiClientId);

        using var revoke = await sim.Http.PostAsync(new Uri(sim.BaseAddress, "_sim/revoke"),
            new StringContent($$"""{"refreshToken":"{{refreshToken}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        using var response = await sim.PostTokenAsync("api.amazon.co.uk",
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", SpApiClientId), ("client_secret", SpApiClientSecret));
        await AssertLwaErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task ARefreshTokenOfAnotherClientIsInvalidGrant()
    {
        await using var sim = await StartAsync();
        var (adsToken, _) = sim.State.IssueRefreshToken(AdsClientId);

        using var response = await sim.PostTokenAsync("api.amazon.com",
            ("grant_type", "refresh_token"), ("refresh_token", adsToken), ("client_id", SpApiClientId), ("client_secret", SpApiClientSecret));

        await AssertLwaErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant");
    }

    [Fact]
    public async Task ClientCredentialsReturnAGrantlessAccessTokenWithoutARefreshToken()
    {
        await using var sim = await StartAsync();

        using var response = await sim.PostTokenAsync("api.amazon.com",
            ("grant_type", "client_credentials"), ("scope", "sellingpartnerapi::notifications"),
            ("client_id", SpApiClientId), ("client_secret", SpApiClientSecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.StartsWith("Atza|", body.GetProperty("access_token").GetString(), StringComparison.Ordinal);
        Assert.False(body.TryGetProperty("refresh_token", out _));

        using var adsClient = await sim.PostTokenAsync("api.amazon.com",
            ("grant_type", "client_credentials"), ("scope", "sellingpartnerapi::notifications"),
            ("client_id", AdsClientId), ("client_secret", AdsClientSecret));
        await AssertLwaErrorAsync(adsClient, HttpStatusCode.BadRequest, "unauthorized_client");
    }

    private static Task<HttpResponseMessage> ExchangeAsync(RunningSimulator sim, string code, string redirectUri) =>
        sim.PostTokenAsync("api.amazon.com",
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectUri),
            ("client_id", SpApiClientId), ("client_secret", SpApiClientSecret));

    internal static async Task AssertLwaErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
        var body = await JsonAsync(response);
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error_description").GetString()));
    }
}
