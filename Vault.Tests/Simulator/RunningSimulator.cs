using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Vault.AmazonSimulator;

namespace Vault.Tests.Simulator;

/// <summary>A simulator on a real loopback port, with an HttpClient that does not follow redirects.</summary>
public sealed class RunningSimulator : IAsyncDisposable
{
    public const string SpApiClientId = SimulatorOptions.DefaultSpApiClientId;
    public const string SpApiClientSecret = SimulatorOptions.DefaultSpApiClientSecret;
    public const string AdsClientId = SimulatorOptions.DefaultAdsClientId;
    public const string AdsClientSecret = SimulatorOptions.DefaultAdsClientSecret;
    public const string RedirectUri = "http://127.0.0.1:5555/oauth/callback";

    private readonly WebApplication _app;

    private RunningSimulator(WebApplication app, ManualTimeProvider clock, Uri baseAddress)
    {
        _app = app;
        Clock = clock;
        BaseAddress = baseAddress;
        State = app.Services.GetRequiredService<SimulatorState>();
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };
    }

    public ManualTimeProvider Clock { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public SimulatorState State { get; }

    public static async Task<RunningSimulator> StartAsync(Action<SimulatorOptions>? configure = null)
    {
        var clock = new ManualTimeProvider();
        var options = new SimulatorOptions { TimeProvider = clock };
        configure?.Invoke(options);
        var app = SimulatorApp.Build([], options);
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        return new RunningSimulator(app, clock, new Uri(app.Urls.First().TrimEnd('/') + "/"));
    }

    /// <summary>The simulator URL standing for <c>https://{host}{pathAndQuery}</c>.</summary>
    public Uri Url(string host, string pathAndQuery) => new(BaseAddress, host + pathAndQuery);

    public Task<HttpResponseMessage> PostTokenAsync(string host, params (string Name, string Value)[] form) =>
        Http.PostAsync(Url(host, "/auth/o2/token"), new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))));

    public async Task<string> SpApiAccessTokenAsync(string? sellingPartnerId = null)
    {
        var (refreshToken, _) = State.IssueRefreshToken(SpApiClientId, sellingPartnerId);
        return await AccessTokenAsync(SpApiClientId, SpApiClientSecret, refreshToken);
    }

    public async Task<string> AdsAccessTokenAsync()
    {
        var (refreshToken, _) = State.IssueRefreshToken(AdsClientId);
        return await AccessTokenAsync(AdsClientId, AdsClientSecret, refreshToken);
    }

    public async Task<HttpResponseMessage> SpApiGetAsync(string path, string? token, string host = "sellingpartnerapi-na.amazon.com")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(host, path));
        if (token is not null)
        {
            request.Headers.Add("x-amz-access-token", token);
        }

        return await Http.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>The query parameters of a redirect's Location.</summary>
    public static Dictionary<string, string> RedirectQuery(HttpResponseMessage response)
    {
        var location = response.Headers.Location ?? throw new InvalidOperationException("no Location header");
        return QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<string> AccessTokenAsync(string clientId, string secret, string refreshToken)
    {
        using var response = await PostTokenAsync(
            "api.amazon.com",
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", clientId), ("client_secret", secret));
        response.EnsureSuccessStatusCode();
        return (await JsonAsync(response)).GetProperty("access_token").GetString()!;
    }
}
