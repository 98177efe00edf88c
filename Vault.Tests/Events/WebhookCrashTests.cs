using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vault.Crypto;
using Vault.Tests.Acceptance;
using Vault.Tests.Support;

namespace Vault.Tests.Events;

/// <summary>
/// Issue 15: a vault process SIGKILLed with events committed but not yet delivered, and with deliveries in flight, sends
/// every event after it restarts on the same file; only a delivery that was in flight may arrive twice.
/// </summary>
[Trait("Category", "Slow")] // two vault processes, one killed; waits out the delivery lease
public sealed class WebhookCrashTests
{
    private const int Sellers = 6;

    [Fact]
    public async Task AfterAKillBetweenCommitAndDeliveryAndDuringOneEveryEventArrives()
    {
        var secret = WebhookReceiver.NewSecret();
        await using var receiver = await WebhookReceiver.StartAsync(secret);
        var held = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlightAtKill = new ConcurrentBag<string>();
        // Before the kill every delivery hangs in the receiver: it is in flight when the process dies.
        receiver.Answer = async (_, received) =>
        {
            inFlightAtKill.Add(received.Id);
            return await held.Task;
        };
        var directory = Directory.CreateTempSubdirectory("vault-webhook-crash-").FullName;
        var environment = VaultProcess.Environment(Path.Combine(directory, "vault.db"), VaultProcess.NoAmazon);
        environment["WEBHOOK_URL"] = receiver.Url.ToString();
        environment["WEBHOOK_SECRET"] = secret;
        var jwt = TestJwt.Hs256(VaultHarness.JwtSecret, TestJwt.AllScopes + " events:read");

        await using (var vault = await VaultProcess.StartAsync(environment))
        {
            for (var i = 0; i < Sellers; i++)
            {
                using var imported = await vault.Http.SendAsync(Import($"seller-{i}", jwt));
                Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
            }
            // At least one delivery reached the receiver and hangs there; the other sellers' events may not have left yet.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            while (inFlightAtKill.IsEmpty && DateTime.UtcNow < deadline)
                await Task.Delay(20);
            Assert.NotEmpty(inFlightAtKill);
            await vault.KillAsync();
        }
        var inFlight = inFlightAtKill.ToHashSet();
        receiver.Answer = (_, _) => Task.FromResult(204);
        held.SetResult(500); // what the dead process's requests hear, if anything still listens

        await using var restarted = await VaultProcess.StartAsync(environment);
        var committed = await EventIdsAsync(restarted.Http, jwt);
        Assert.Equal(Sellers, committed.Count);
        // Claims taken before the kill are leased for 30 s; then another delivery pass takes them again.
        await receiver.WaitForAsync(requests => committed.All(id => requests.Any(r => r.Id == id && r.Status == 204)), TimeSpan.FromSeconds(90));

        var acknowledged = receiver.Acknowledged;
        Assert.All(acknowledged, r => Assert.True(r.Verified && r.LibraryVerified));
        Assert.Equal(committed.Order(), acknowledged.Select(r => r.Id).Distinct().Order());
        // Twice only for what was in flight at the kill; never an event acknowledged twice otherwise.
        Assert.All(acknowledged.GroupBy(r => r.Id).Where(g => g.Count() > 1), g => Assert.Contains(g.Key, inFlight));
    }

    private static HttpRequestMessage Import(string sellerId, string jwt)
    {
        var token = TestSecrets.Add("refresh-token", "Atzr|IwEB" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(48)).Replace('+', '-').Replace('/', '_'));
        var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/sellers/{sellerId}/connections/sp-api")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { region = "na", refreshToken = token }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        request.Headers.Add("x-amazon-token-secret", TestSecrets.Add("seller-secret", SellerSecret.Generate()));
        return request;
    }

    private static async Task<List<string>> EventIdsAsync(HttpClient http, string jwt)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events?limit=100");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", jwt);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. page.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];
    }
}
