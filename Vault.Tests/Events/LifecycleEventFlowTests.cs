using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vault.Api.Amazon;
using Vault.Api.Events;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Storage;
using Vault.Tests.OAuth;
using Vault.Tests.Sellers;
using Vault.Tests.Support;

namespace Vault.Tests.Events;

/// <summary>
/// Each lifecycle event produced by the real flow that causes it, delivered by the running vault to a real receiver,
/// whose signature the published StandardWebhooks library accepts; never a secret or token in a body or header.
/// </summary>
[Trait("Category", "Slow")]
public sealed class LifecycleEventFlowTests
{
    [Fact]
    public async Task EveryLifecycleEventOfTheRealFlowsArrivesSignedAndWithoutSecrets()
    {
        var webhookSecret = WebhookReceiver.NewSecret();
        await using var receiver = await WebhookReceiver.StartAsync(webhookSecret);
        await using var vault = await VaultHarness.StartAsync(settings =>
        {
            settings["WEBHOOK_URL"] = receiver.Url.ToString();
            settings["WEBHOOK_SECRET"] = webhookSecret;
        });
        var secret = SellerSecret.Generate();
        var rotated = SellerSecret.Generate();

        // Browser OAuth allow against the simulator, then an import over it, then an import of another api.
        using (var done = await new OAuthBrowser(vault).RunAsync("seller-1", secret, "sp-api", "na"))
            Assert.Contains("status=connected", done.Headers.Location!.ToString(), StringComparison.Ordinal);
        var spToken = vault.IssueToken();
        using (var reimport = await vault.ImportAsync("seller-1", "sp-api", secret, new { region = "na", refreshToken = spToken }))
            Assert.Equal(HttpStatusCode.OK, reimport.StatusCode);
        var adsToken = await vault.ConnectAsync("seller-1", secret, api: "ads");
        using (var rotation = await vault.RotateAsync("seller-1", secret, rotated))
            Assert.True(rotation.IsSuccessStatusCode, $"rotation answered {(int)rotation.StatusCode}");
        // The seller revokes the app at Amazon; the next proxied use finds out.
        Assert.True(vault.Simulator.State.Revoke(spToken));
        using (var verify = await vault.VerifyAsync("seller-1", "sp-api", rotated))
            Assert.Equal(HttpStatusCode.Conflict, verify.StatusCode);
        (await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-1")).Dispose();
        // A consent that is 335 days old by the time the renewal scan runs: the consent is moved back (the delivery
        // service runs on the real clock, and a receiver's library refuses timestamps far from now), the scan runs on a fake clock.
        await vault.ConnectAsync("seller-2", secret);
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var authorized = clock.GetUtcNow() - SpApiAuthorization.Lifetime + TimeSpan.FromDays(30);
        await vault.ExecuteSqlAsync($"UPDATE connections SET authorized_at = {authorized.ToUnixTimeMilliseconds() + 1} WHERE seller_id = 'seller-2';");
        var scan = new RenewalScan(vault.Store, clock, NullLogger<RenewalScan>.Instance);
        Assert.Equal(0, await scan.ScanAsync(default));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await scan.ScanAsync(default));
        Assert.Equal(0, await scan.ScanAsync(default));
        authorized = authorized.AddMilliseconds(1);

        // A Data Border record imported as it was, then used once: the vault re-seals it as v1 (connection.upgraded).
        using (var parsed = SellerSecret.Parse(secret))
        {
            var record = DataBorderEnvelope.SealToBase64(vault.IssueToken(), parsed);
            using var imported = await vault.ImportAsync("seller-3", "sp-api", secret, new { region = "na", dataBorderBlob = record });
            Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        }
        using (var used = await vault.VerifyAsync("seller-3", "sp-api", secret))
            Assert.True(used.IsSuccessStatusCode, $"verify answered {(int)used.StatusCode}");

        string[] seller1 =
        [
            EventTypes.Created, EventTypes.Reauthorized, EventTypes.Created, EventTypes.SecretRotated, EventTypes.SecretRotated,
            EventTypes.ReauthorizationRequired, EventTypes.Deleted, EventTypes.Deleted,
        ];
        await receiver.WaitForAsync(all => all.Count(r => r.Status == 204) == seller1.Length + 4);

        var received = receiver.Acknowledged;
        Assert.Equal(seller1, received.Where(r => r.SellerId == "seller-1").Select(r => r.Type));
        Assert.Equal([EventTypes.Created, EventTypes.RenewalDue], received.Where(r => r.SellerId == "seller-2").Select(r => r.Type));
        Assert.Equal([EventTypes.Created, EventTypes.Upgraded], received.Where(r => r.SellerId == "seller-3").Select(r => r.Type));
        Assert.All(received, r => Assert.True(r.LibraryVerified && r.Verified, $"{r.Type}: the signature does not verify"));
        Assert.Equal(received.Count, received.Select(r => r.Id).Distinct().Count());
        var renewal = received.Single(r => r.Type == EventTypes.RenewalDue).Json.GetProperty("data");
        Assert.Equal(30, renewal.GetProperty("daysLeft").GetInt32());
        Assert.Equal(authorized + SpApiAuthorization.Lifetime, renewal.GetProperty("authorizationExpiresAt").GetDateTimeOffset());
        var reauthorization = received.Single(r => r.Type == EventTypes.ReauthorizationRequired).Json.GetProperty("data");
        Assert.Equal(("default", "sp-api", "na", "reauthorization_required"),
            (reauthorization.GetProperty("tenant").GetString(), reauthorization.GetProperty("api").GetString(), reauthorization.GetProperty("region").GetString(), reauthorization.GetProperty("status").GetString()));
        foreach (var value in (string[])[secret, rotated, spToken, adsToken, webhookSecret, webhookSecret["whsec_".Length..], vault.Jwt(), VaultHarness.JwtSecret])
            Assert.All(receiver.Requests, r => Assert.DoesNotContain(value, r.Headers + r.Body, StringComparison.Ordinal));

        // The same events through the API, each delivered once (the vault records an acknowledgement just after the receiver sent it).
        List<System.Text.Json.JsonElement> events = [];
        for (var tries = 0; tries < 100 && (events.Count == 0 || events.Any(e => e.GetProperty("delivery").GetProperty("state").GetString() != "delivered")); tries++)
        {
            await Task.Delay(100);
            using var listed = await vault.SendAsync(HttpMethod.Get, "/v1/events?limit=500", jwt: vault.Jwt("events:read"));
            events = [.. (await listed.OkJsonAsync()).GetProperty("events").EnumerateArray()];
        }
        Assert.Equal(received.Select(r => r.Id).Order(), events.Select(e => e.GetProperty("id").GetString()!).Order());
        Assert.All(events, e => Assert.Equal(("delivered", 1), (e.GetProperty("delivery").GetProperty("state").GetString(), e.GetProperty("delivery").GetProperty("attempts").GetInt32())));

        // A redelivery sends the event again, same id.
        var first = events[0].GetProperty("id").GetString()!;
        using (var redeliver = await vault.SendAsync(HttpMethod.Post, $"/v1/events/{first}/redeliver", jwt: vault.Jwt("events:read")))
            Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        await receiver.WaitForAsync(all => all.Count(r => r.Id == first) == 2);
    }
}
