using System.Net;
using Vault.Crypto;
using Vault.Tests.Sellers;
using Vault.Tests.Support;

namespace Vault.Tests.Events;

/// <summary>GET /v1/events and its neighbours: scope, filters, paging for a poller, tenant isolation, problems.</summary>
public sealed class EventsApiTests
{
    [Fact]
    public async Task APollerReadsTheTenantsEventsOldestFirstAndResumesFromItsCursor()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("seller-1", secret);
        await vault.ConnectAsync("seller-2", secret, jwt: vault.Jwt(tenant: "other"));
        (await vault.ImportAsync("seller-1", "sp-api", secret, new { region = "na", refreshToken = vault.IssueToken() })).Dispose();
        var jwt = vault.Jwt("events:read");

        using var first = await vault.SendAsync(HttpMethod.Get, "/v1/events?limit=1", jwt: jwt);
        var page = await first.OkJsonAsync();
        var cursor = page.GetProperty("nextCursor").GetString();
        using var second = await vault.SendAsync(HttpMethod.Get, $"/v1/events?cursor={cursor}", jwt: jwt);
        var rest = await second.OkJsonAsync();
        using var empty = await vault.SendAsync(HttpMethod.Get, $"/v1/events?cursor={rest.GetProperty("nextCursor").GetString()}", jwt: jwt);
        using var created = await vault.SendAsync(HttpMethod.Get, "/v1/events?type=connection.created", jwt: jwt);

        var one = page.GetProperty("events").EnumerateArray().Single();
        Assert.Equal(("connection.created", "seller-1", "default"), (one.GetProperty("type").GetString(), one.GetProperty("data").GetProperty("sellerId").GetString(), one.GetProperty("data").GetProperty("tenant").GetString()));
        Assert.Equal(["connection.reauthorized"], rest.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        var emptyPage = await empty.OkJsonAsync();
        Assert.Empty(emptyPage.GetProperty("events").EnumerateArray());
        Assert.Equal(rest.GetProperty("nextCursor").GetString(), emptyPage.GetProperty("nextCursor").GetString());
        Assert.Single((await created.OkJsonAsync()).GetProperty("events").EnumerateArray());
        Assert.Equal("pending", one.GetProperty("delivery").GetProperty("state").GetString());

        using var single = await vault.SendAsync(HttpMethod.Get, $"/v1/events/{one.GetProperty("id").GetString()}", jwt: jwt);
        Assert.Equal(one.GetProperty("id").GetString(), (await single.OkJsonAsync()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task EventsNeedTheirScopeStayInTheirTenantAndRefuseBadFilters()
    {
        await using var vault = await VaultHarness.StartAsync();
        await vault.ConnectAsync("seller-1", SellerSecret.Generate(), jwt: vault.Jwt(tenant: "other"));
        using var theirs = await vault.SendAsync(HttpMethod.Get, "/v1/events", jwt: vault.Jwt("events:read", tenant: "other"));
        var id = (await theirs.OkJsonAsync()).GetProperty("events")[0].GetProperty("id").GetString();

        using var noScope = await vault.SendAsync(HttpMethod.Get, "/v1/events", jwt: vault.Jwt("connections:read audit:read"));
        using var mine = await vault.SendAsync(HttpMethod.Get, "/v1/events", jwt: vault.Jwt("events:read"));
        using var notMine = await vault.SendAsync(HttpMethod.Get, $"/v1/events/{id}", jwt: vault.Jwt("events:read"));
        using var redeliverNotMine = await vault.SendAsync(HttpMethod.Post, $"/v1/events/{id}/redeliver", jwt: vault.Jwt("events:read"));
        using var badType = await vault.SendAsync(HttpMethod.Get, "/v1/events?type=connection.exploded", jwt: vault.Jwt("events:read"));
        using var badCursor = await vault.SendAsync(HttpMethod.Get, "/v1/events?cursor=nope", jwt: vault.Jwt("events:read"));

        Assert.Equal(HttpStatusCode.Forbidden, noScope.StatusCode);
        Assert.Empty((await mine.OkJsonAsync()).GetProperty("events").EnumerateArray());
        await notMine.AssertProblemAsync(HttpStatusCode.NotFound, "event_not_found");
        await redeliverNotMine.AssertProblemAsync(HttpStatusCode.NotFound, "event_not_found");
        await badType.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", "type");
        await badCursor.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", "cursor");
    }

    [Fact]
    public async Task SpApiConnectionsShowWhenRenewalIsDueAndSellersCanBeListedByIt()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("old", secret);
        await vault.ConnectAsync("old", secret, api: "ads");
        await vault.ConnectAsync("new", secret);
        await vault.ConnectAsync("ads-only", secret, api: "ads");
        var consented = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddDays(-300).ToUnixTimeMilliseconds());
        await vault.ExecuteSqlAsync($"UPDATE connections SET authorized_at = {consented.ToUnixTimeMilliseconds()} WHERE seller_id = 'old';");

        using var old = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/old");
        using var due = await vault.SendAsync(HttpMethod.Get, $"/v1/sellers?renewalDueBefore={DateTimeOffset.UtcNow.AddDays(40):O}".Replace("+", "%2B", StringComparison.Ordinal));
        using var bad = await vault.SendAsync(HttpMethod.Get, "/v1/sellers?renewalDueBefore=soon");

        var connections = (await old.OkJsonAsync()).GetProperty("connections").EnumerateArray().ToList();
        Assert.False(connections.Single(c => c.GetProperty("api").GetString() == "ads").TryGetProperty("renewalDueAt", out _));
        Assert.Equal(consented.AddDays(335), connections.Single(c => c.GetProperty("api").GetString() == "sp-api").GetProperty("renewalDueAt").GetDateTimeOffset());
        var sellers = (await due.OkJsonAsync()).GetProperty("sellers").EnumerateArray().ToList();
        Assert.Equal(["old"], sellers.Select(s => s.GetProperty("sellerId").GetString()));
        Assert.Equal(2, sellers[0].GetProperty("connections").GetArrayLength());
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", "renewalDueBefore");
    }
}
