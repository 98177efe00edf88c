using System.Net;
using System.Text.Json;
using Vault.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.Sellers;

public class SellerListingTests
{
    [Fact]
    public async Task ListingPagesThroughEverySellerOnceInOrder()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        string[] sellers = ["s-07", "s-01", "s-05", "s-03", "s-02", "s-06", "s-04"];
        foreach (var seller in sellers)
            await vault.ConnectAsync(seller, secret);
        await vault.ConnectAsync("s-03", secret, "ads");

        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var query = cursor is null ? "?limit=3" : $"?limit=3&cursor={Uri.EscapeDataString(cursor)}";
            using var response = await vault.SendAsync(HttpMethod.Get, "/v1/sellers" + query, jwt: vault.Jwt("connections:read"));
            var page = await response.OkJsonAsync();
            var items = page.GetProperty("sellers").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 3);
            seen.AddRange(items.Select(s => s.GetProperty("sellerId").GetString()!));
            if (items.FirstOrDefault(s => s.GetProperty("sellerId").GetString() == "s-03") is { ValueKind: JsonValueKind.Object } both)
                Assert.Equal(["ads", "sp-api"], both.GetProperty("connections").EnumerateArray().Select(c => c.GetProperty("api").GetString()));
            var next = page.GetProperty("nextCursor");
            cursor = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(sellers.Order(StringComparer.Ordinal), seen);
        Assert.Equal(3, pages);
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=501", "limit")]
    [InlineData("?limit=ten", "limit")]
    [InlineData("?limit=1&limit=2", "limit")]
    [InlineData("?cursor=not-a-cursor%21", "cursor")]
    [InlineData("?cursor=", "cursor")]
    public async Task ListingRefusesBadLimitsAndCursors(string query, string field)
    {
        await using var vault = await VaultHarness.StartAsync();

        using var response = await vault.SendAsync(HttpMethod.Get, "/v1/sellers" + query);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", field);
    }

    [Fact]
    public async Task ListingWithoutALimitAnswersEverySellerOnOnePage()
    {
        await using var vault = await VaultHarness.StartAsync();
        await vault.ConnectAsync("seller-1", SellerSecret.Generate());

        using var response = await vault.SendAsync(HttpMethod.Get, "/v1/sellers");

        var page = await response.OkJsonAsync();
        Assert.Equal("seller-1", page.GetProperty("sellers")[0].GetProperty("sellerId").GetString());
        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task GettingASellerShowsItsConnectionsAndNothingSecret()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        var spToken = await vault.ConnectAsync("seller-1", secret, "sp-api", "eu");
        var adsToken = await vault.ConnectAsync("seller-1", secret, "ads", "fe");

        using var response = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1", jwt: vault.Jwt("connections:read"));

        var text = await response.Content.ReadAsStringAsync();
        var seller = await response.OkJsonAsync();
        Assert.Equal("seller-1", seller.GetProperty("sellerId").GetString());
        var connections = seller.GetProperty("connections").EnumerateArray().ToList();
        Assert.Equal(["ads:fe", "sp-api:eu"], connections.Select(c => c.GetProperty("api").GetString() + ":" + c.GetProperty("region").GetString()));
        Assert.All(connections, c => Assert.False(c.TryGetProperty("lastUsedAt", out _)));
        foreach (var forbidden in new[] { spToken, adsToken, secret, "blob", "refreshToken" })
            Assert.DoesNotContain(forbidden, text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnUnknownSellerIsNotFoundAndABadIdIsAnInvalidRequest()
    {
        await using var vault = await VaultHarness.StartAsync();

        using var unknown = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/nobody");
        using var bad = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/" + new string('x', 129));

        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "seller_not_found");
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", "sellerId");
    }
}
