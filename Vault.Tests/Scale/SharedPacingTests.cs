using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Vault.Crypto;
using Vault.Tests.Storage;

namespace Vault.Tests.Scale;

/// <summary>Issue 17: vault instances on one PostgreSQL database pace a connection's calls from one bucket, so together they stay within Amazon's rate.</summary>
[Trait("Category", "Slow")] // PostgreSQL and two vault processes
public sealed class SharedPacingTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string Seller = "seller-1";
    private const string Orders = $"/v1/sellers/{Seller}/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER";

    private static async Task<HttpResponseMessage> CallAsync(VaultPair pair, Acceptance.VaultProcess instance, string secret, string maxWait)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Orders);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pair.Jwt);
        request.Headers.Add("x-amazon-token-secret", Support.TestSecrets.Add("seller-secret", secret));
        request.Headers.Add("x-vault-max-wait", maxWait);
        return await instance.Http.SendAsync(request);
    }

    [Fact]
    public async Task TwoInstancesTakeTheirTokensFromOneBucket()
    {
        await using var pair = await VaultPair.StartAsync(server);
        var secret = SellerSecret.Generate();
        await pair.ConnectAsync(pair.A, Seller, secret, "sp-api");

        // getOrders: a burst of 20, then one token a minute (Amazon's default). Ten calls through each instance use it up.
        for (var i = 0; i < 10; i++)
        {
            using var onA = await CallAsync(pair, pair.A, secret, "0");
            using var onB = await CallAsync(pair, pair.B, secret, "0");
            Assert.True(onA.StatusCode == HttpStatusCode.OK && onB.StatusCode == HttpStatusCode.OK, $"A {(int)onA.StatusCode}, B {(int)onB.StatusCode}:\n{pair.A.Tail}\n{pair.B.Tail}");
        }
        using var moreOnA = await CallAsync(pair, pair.A, secret, "0");
        using var moreOnB = await CallAsync(pair, pair.B, secret, "0");

        Assert.Equal((HttpStatusCode)429, moreOnA.StatusCode);
        Assert.Equal((HttpStatusCode)429, moreOnB.StatusCode);
        Assert.Equal("rate_limited", JsonDocument.Parse(await moreOnB.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Equal(20, pair.Amazon.State.Calls.Snapshot().Count(c => c.PathAndQuery.StartsWith("/orders/v0/orders", StringComparison.Ordinal)));
    }
}
