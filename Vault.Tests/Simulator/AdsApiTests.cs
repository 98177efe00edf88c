using System.Net;
using static Vault.Tests.Simulator.RunningSimulator;

namespace Vault.Tests.Simulator;

public class AdsApiTests
{
    [Fact]
    public async Task ProfilesNeedTheBearerTokenOfTheAdsClientAndItsClientIdHeader()
    {
        await using var sim = await StartAsync();
        var adsToken = await sim.AdsAccessTokenAsync();
        var spToken = await sim.SpApiAccessTokenAsync();

        using var ok = await GetAsync(sim, "/v2/profiles", adsToken, AdsClientId);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var profile = (await JsonAsync(ok)).EnumerateArray().First();
        foreach (var member in new[] { "profileId", "countryCode", "currencyCode", "timezone", "accountInfo" })
        {
            Assert.True(profile.TryGetProperty(member, out _), member);
        }

        using var noClientId = await GetAsync(sim, "/v2/profiles", adsToken, clientId: null);
        await AssertAdsErrorAsync(noClientId, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        using var spApiToken = await GetAsync(sim, "/v2/profiles", spToken, AdsClientId);
        await AssertAdsErrorAsync(spApiToken, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        using var noToken = await GetAsync(sim, "/v2/profiles", token: null, AdsClientId);
        await AssertAdsErrorAsync(noToken, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task OneProfileIsFoundByIdOnItsRegionsHost()
    {
        await using var sim = await StartAsync();
        var token = await sim.AdsAccessTokenAsync();

        using var list = await GetAsync(sim, "/v2/profiles", token, AdsClientId, host: "advertising-api-eu.amazon.com");
        var id = (await JsonAsync(list)).EnumerateArray().First().GetProperty("profileId").GetInt64();

        using var one = await GetAsync(sim, $"/v2/profiles/{id}", token, AdsClientId, host: "advertising-api-eu.amazon.com");
        Assert.Equal(id, (await JsonAsync(one)).GetProperty("profileId").GetInt64());
        using var elsewhere = await GetAsync(sim, $"/v2/profiles/{id}", token, AdsClientId, host: "advertising-api-fe.amazon.com");
        await AssertAdsErrorAsync(elsewhere, HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task CampaignCallsNeedAKnownProfileInTheScopeHeader()
    {
        await using var sim = await StartAsync();
        var token = await sim.AdsAccessTokenAsync();
        using var list = await GetAsync(sim, "/v2/profiles", token, AdsClientId);
        var profileId = (await JsonAsync(list)).EnumerateArray().First().GetProperty("profileId").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var missing = await PostListAsync(sim, token, scope: null);
        await AssertAdsErrorAsync(missing, HttpStatusCode.BadRequest, "400");
        using var unknown = await PostListAsync(sim, token, scope: "1");
        await AssertAdsErrorAsync(unknown, HttpStatusCode.Unauthorized, "UNAUTHORIZED");

        using var ok = await PostListAsync(sim, token, profileId);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(2, (await JsonAsync(ok)).GetProperty("totalResults").GetInt32());

        using var v2 = await GetAsync(sim, "/v2/sp/campaigns", token, AdsClientId, scope: profileId);
        Assert.Equal(HttpStatusCode.OK, v2.StatusCode);
    }

    private static async Task<HttpResponseMessage> GetAsync(
        RunningSimulator sim, string path, string? token, string? clientId, string host = "advertising-api.amazon.com", string? scope = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, sim.Url(host, path));
        AddHeaders(request, token, clientId, scope);
        return await sim.Http.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> PostListAsync(RunningSimulator sim, string token, string? scope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, sim.Url("advertising-api.amazon.com", "/sp/campaigns/list"))
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/vnd.spCampaign.v3+json"),
        };
        AddHeaders(request, token, AdsClientId, scope);
        return await sim.Http.SendAsync(request);
    }

    private static void AddHeaders(HttpRequestMessage request, string? token, string? clientId, string? scope)
    {
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        }

        if (clientId is not null)
        {
            request.Headers.Add("Amazon-Advertising-API-ClientId", clientId);
        }

        if (scope is not null)
        {
            request.Headers.Add("Amazon-Advertising-API-Scope", scope);
        }
    }

    private static async Task AssertAdsErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("details").GetString()));
    }
}
