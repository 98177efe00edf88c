using System.Net;
using Vault.Crypto;
using Vault.Tests.Storage;
using Vault.Tests.Support;

namespace Vault.Tests.Scale;

/// <summary>
/// Issue 15: two vault processes on one PostgreSQL database deliver to one receiver. Under a load of imports spread over
/// both, every event arrives, and none twice: each claim is one instance's (FOR UPDATE SKIP LOCKED and a lease).
/// </summary>
[Trait("Category", "Slow")] // PostgreSQL and two vault processes
public sealed class TwoInstanceWebhookTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const int Sellers = 40;

    [Fact]
    public async Task UnderLoadEachEventIsDeliveredByOneInstanceOnce()
    {
        var secret = WebhookReceiver.NewSecret();
        await using var receiver = await WebhookReceiver.StartAsync(secret);
        await using var pair = await VaultPair.StartAsync(server, configure: environment =>
        {
            environment["WEBHOOK_URL"] = receiver.Url.ToString();
            environment["WEBHOOK_SECRET"] = secret;
        });

        // Each seller is imported, then re-imported, on alternating instances, all sellers at once: 2 events each.
        await Parallel.ForEachAsync(Enumerable.Range(0, Sellers), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var sellerSecret = SellerSecret.Generate();
            for (var round = 0; round < 2; round++)
            {
                var instance = (i + round) % 2 == 0 ? pair.A : pair.B;
                var token = TestSecrets.Add("refresh-token", "Atzr|IwEB-" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
                using var imported = await pair.SendAsync(instance, HttpMethod.Put, $"/v1/sellers/seller-{i}/connections/sp-api", sellerSecret,
                    new { region = "na", refreshToken = token });
                Assert.True(imported.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"{imported.StatusCode}");
            }
        });

        await receiver.WaitForAsync(requests => requests.Count(r => r.Status == 204) >= Sellers * 2, TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromSeconds(2)); // a second delivery of anything would arrive within a delivery pass

        var acknowledged = receiver.Acknowledged;
        Assert.Equal(Sellers * 2, acknowledged.Count);
        Assert.Equal(Sellers * 2, acknowledged.Select(r => r.Id).Distinct().Count());
        Assert.All(acknowledged, r => Assert.True(r.Verified && r.LibraryVerified));
        // In order per seller: created, then reauthorized.
        Assert.All(acknowledged.GroupBy(r => r.SellerId), g => Assert.Equal(["connection.created", "connection.reauthorized"], g.Select(r => r.Type)));
    }
}
