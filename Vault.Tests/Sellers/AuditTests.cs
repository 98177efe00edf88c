using System.Net;
using System.Text.Json;
using Vault.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.Sellers;

public class AuditTests
{
    [Fact]
    public async Task AuditEventsPageNewestFirstWithoutGapsOrDuplicates()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        foreach (var seller in new[] { "seller-1", "seller-2", "seller-3" })
            await vault.ConnectAsync(seller, secret);
        (await vault.ExportAsync("seller-2", "sp-api", secret)).Dispose();
        (await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-3")).Dispose();

        using var all = await vault.SendAsync(HttpMethod.Get, "/v1/audit?limit=500", jwt: vault.Jwt("audit:read"));
        var expected = (await all.OkJsonAsync()).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToList();
        var paged = await PageAsync(vault, "/v1/audit?limit=2");

        Assert.Equal(5, expected.Count);
        Assert.Equal(expected.OrderDescending(), expected);
        Assert.Equal(expected, paged.Select(e => e.GetProperty("id").GetInt64()));
        Assert.Equal(["connection.deleted", "connection.exported", "connection.imported", "connection.imported", "connection.imported"],
            paged.Select(e => e.GetProperty("action").GetString()));
        var newest = paged[0];
        Assert.Equal("seller-3", newest.GetProperty("sellerId").GetString());
        Assert.Equal("wms-test", newest.GetProperty("actor").GetString());
        Assert.True(newest.TryGetProperty("at", out _) && newest.TryGetProperty("requestId", out _) && newest.TryGetProperty("ip", out _));
        Assert.DoesNotContain(secret, await all.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditEventsFilterBySellerAndSince()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        var start = DateTimeOffset.UtcNow.AddSeconds(-1);
        await vault.ConnectAsync("seller-1", secret);
        await vault.ConnectAsync("seller-1", secret, "ads");
        await vault.ConnectAsync("seller-2", secret);

        var bySeller = await PageAsync(vault, "/v1/audit?sellerId=seller-1&limit=1");
        var sinceStart = await PageAsync(vault, "/v1/audit?since=" + Uri.EscapeDataString(start.ToString("O")));
        var future = await PageAsync(vault, "/v1/audit?since=" + Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O")));

        Assert.Equal(["ads", "sp-api"], bySeller.Select(e => e.GetProperty("api").GetString()));
        Assert.All(bySeller, e => Assert.Equal("seller-1", e.GetProperty("sellerId").GetString()));
        Assert.Equal(3, sinceStart.Count);
        Assert.Empty(future);
    }

    [Theory]
    [InlineData("?since=yesterday", "since")]
    [InlineData("?since=2025-13-01T00:00:00Z", "since")]
    [InlineData("?sellerId=a%20b", "sellerId")]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=1000", "limit")]
    [InlineData("?cursor=abc%3D", "cursor")]
    public async Task ABadAuditQueryIsAnInvalidRequestNamingTheParameter(string query, string field)
    {
        await using var vault = await VaultHarness.StartAsync();

        using var response = await vault.SendAsync(HttpMethod.Get, "/v1/audit" + query);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", field);
    }

    [Fact]
    public async Task ReadingTheAuditLogNeedsTheAuditScope()
    {
        await using var vault = await VaultHarness.StartAsync();

        using var response = await vault.SendAsync(HttpMethod.Get, "/v1/audit", jwt: vault.Jwt("connections:read connections:write amazon:call"));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope");
    }

    internal static async Task<List<JsonElement>> PageAsync(VaultHarness vault, string path, string? jwt = null)
    {
        var events = new List<JsonElement>();
        string? cursor = null;
        for (var pages = 0; pages < 50; pages++)
        {
            var url = cursor is null ? path : $"{path}{(path.Contains('?', StringComparison.Ordinal) ? '&' : '?')}cursor={Uri.EscapeDataString(cursor)}";
            using var response = await vault.SendAsync(HttpMethod.Get, url, jwt: jwt);
            var page = await response.OkJsonAsync();
            events.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.Clone()));
            var next = page.GetProperty("nextCursor");
            if (next.ValueKind == JsonValueKind.Null)
                return events;
            cursor = next.GetString();
        }
        throw new InvalidOperationException("the audit log did not end within 50 pages");
    }
}
