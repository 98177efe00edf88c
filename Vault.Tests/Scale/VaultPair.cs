using System.Net.Http.Headers;
using System.Net.Http.Json;
using Vault.Tests.Acceptance;
using Vault.Tests.Simulator;
using Vault.Tests.Storage;
using Vault.Tests.Support;

namespace Vault.Tests.Scale;

/// <summary>
/// Two vault processes on one PostgreSQL database in front of one Amazon simulator, configured as one deployment
/// behind a load balancer that terminates TLS: the same keys and the same https PUBLIC_BASE_URL (a name no one
/// listens on; a request "to the load balancer" is sent over plain http to the instance a test picks with <see cref="On"/>).
/// </summary>
public sealed class VaultPair : IAsyncDisposable
{
    public const string Tenant = "scale";
    public static readonly Uri PublicBaseUrl = new("https://vault.lb.test/");

    private VaultPair(RunningSimulator amazon, SharedDatabase database, VaultProcess a, VaultProcess b)
    {
        Amazon = amazon;
        Database = database;
        A = a;
        B = b;
        Jwt = TestJwt.Hs256(VaultHarness.JwtSecret, tenant: Tenant, expires: DateTime.UtcNow.AddHours(1));
    }

    public RunningSimulator Amazon { get; }

    public SharedDatabase Database { get; }

    public VaultProcess A { get; }

    public VaultProcess B { get; }

    public string Jwt { get; }

    public static async Task<VaultPair> StartAsync(PostgresServer server, bool pacing = true, Action<Dictionary<string, string>>? configure = null)
    {
        var database = await SharedDatabase.CreateAsync(server);
        // As at Amazon, the app's one registered redirect URI: the load balancer's.
        var amazon = await RunningSimulator.StartAsync(options => options.AllowedRedirectUris.Add(new Uri(PublicBaseUrl, "oauth/callback").ToString()));
        var environment = VaultProcess.Environment(database.Serving, amazon.BaseAddress + "{host}");
        environment["VAULT_DATABASE_OWNER"] = database.Owner;
        environment["PUBLIC_BASE_URL"] = PublicBaseUrl.ToString();
        environment["AMAZON_PACING"] = pacing ? "true" : "false";
        configure?.Invoke(environment);
        VaultProcess? a = null;
        try
        {
            a = await VaultProcess.StartAsync(environment);
            var b = await VaultProcess.StartAsync(environment);
            return new VaultPair(amazon, database, a, b);
        }
        catch
        {
            if (a is not null)
                await a.DisposeAsync();
            await amazon.DisposeAsync();
            throw;
        }
    }

    /// <summary>A URL on the load balancer's name, as routed to <paramref name="instance"/>.</summary>
    public static Uri On(VaultProcess instance, Uri url) =>
        new UriBuilder(url) { Scheme = instance.BaseAddress.Scheme, Host = instance.BaseAddress.Host, Port = instance.BaseAddress.Port }.Uri;

    /// <summary>A WMS call with the pair's JWT and, when given, the seller secret (registered with the leak scan).</summary>
    public static async Task<HttpResponseMessage> SendAsAsync(
        string jwt, VaultProcess instance, HttpMethod method, string path, string? secret = null, object? json = null, string? newSecret = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        if (secret is not null)
            request.Headers.Add("x-amazon-token-secret", TestSecrets.Add("seller-secret", secret));
        if (newSecret is not null)
            request.Headers.Add("x-amazon-token-secret-new", TestSecrets.Add("seller-secret", newSecret));
        if (json is not null)
            request.Content = JsonContent.Create(json);
        return await instance.Http.SendAsync(request, CancellationToken.None);
    }

    public Task<HttpResponseMessage> SendAsync(VaultProcess instance, HttpMethod method, string path, string? secret = null, object? json = null, string? newSecret = null) =>
        SendAsAsync(Jwt, instance, method, path, secret, json, newSecret);

    /// <summary>Imports a fresh simulator refresh token for the seller through <paramref name="instance"/>.</summary>
    public async Task ConnectAsync(VaultProcess instance, string seller, string secret, string api)
    {
        var clientId = api == "ads" ? RunningSimulator.AdsClientId : RunningSimulator.SpApiClientId;
        var token = Amazon.State.IssueRefreshToken(clientId).RefreshToken;
        using var response = await SendAsync(instance, HttpMethod.Put, $"/v1/sellers/{seller}/connections/{api}", secret, new { region = "na", refreshToken = token });
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"import answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public Task<HttpResponseMessage> VerifyAsync(VaultProcess instance, string seller, string api, string secret) =>
        SendAsync(instance, HttpMethod.Post, $"/v1/sellers/{seller}/connections/{api}/verify", secret);

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
        if (TestSecrets.Enabled)
            SimulatorSecrets.Register(Amazon.State);
        await Amazon.DisposeAsync();
    }
}
