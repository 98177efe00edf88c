using System.Net;
using System.Net.Http.Json;
using Vault.AmazonSimulator;
using Vault.Tests.Simulator;

namespace Vault.Tests.ClientSecrets;

/// <summary>The simulator's LWA accepts a set of client secrets that a test changes at run time, as a rotation does at Amazon.</summary>
public class SimulatorClientSecretTests
{
    private static async Task<HttpResponseMessage> RefreshAsync(RunningSimulator amazon, string refreshToken, string secret) =>
        await amazon.PostTokenAsync("api.amazon.com",
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", SimulatorOptions.DefaultSpApiClientId), ("client_secret", secret));

    [Fact]
    public async Task AfterARotationOnlyTheAcceptedSecretsAuthenticateAndOthersGetInvalidClient()
    {
        await using var amazon = await RunningSimulator.StartAsync();
        var (refreshToken, _) = amazon.State.IssueRefreshToken(SimulatorOptions.DefaultSpApiClientId);

        using (var overlap = await amazon.Http.PostAsJsonAsync("/_sim/client-secrets", new { clientId = SimulatorOptions.DefaultSpApiClientId, secrets = new[] { "sim-spapi-secret", "rotated" } }))
            Assert.Equal(HttpStatusCode.NoContent, overlap.StatusCode);
        using (var old = await RefreshAsync(amazon, refreshToken, "sim-spapi-secret"))
            Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        using (var rotated = await RefreshAsync(amazon, refreshToken, "rotated"))
            Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        using (var expired = await amazon.Http.PostAsJsonAsync("/_sim/client-secrets", new { clientId = SimulatorOptions.DefaultSpApiClientId, secrets = new[] { "rotated" } }))
            Assert.Equal(HttpStatusCode.NoContent, expired.StatusCode);

        using var refused = await RefreshAsync(amazon, refreshToken, "sim-spapi-secret");

        // RFC 6749 section 5.2, as LWA answers it: 401 with error invalid_client.
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var body = await RunningSimulator.JsonAsync(refused);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error_description").GetString()));
    }

    [Fact]
    public async Task AnUnknownClientOrAnEmptySetIsRefusedByTheControl()
    {
        await using var amazon = await RunningSimulator.StartAsync();

        using var unknown = await amazon.Http.PostAsJsonAsync("/_sim/client-secrets", new { clientId = "nobody", secrets = new[] { "x" } });
        using var empty = await amazon.Http.PostAsJsonAsync("/_sim/client-secrets", new { clientId = SimulatorOptions.DefaultSpApiClientId, secrets = Array.Empty<string>() });

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(["sim-spapi-secret"], amazon.State.ClientSecrets.For(SimulatorOptions.DefaultSpApiClientId));
    }
}
