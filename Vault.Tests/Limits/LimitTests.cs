using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Vault.Api.Tokens;
using Vault.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.Limits;

public class LimitTests
{
    [Fact]
    public async Task AnOversizedBodyOnTheVaultsOwnRoutesIsRefusedWith413()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();

        using var response = await vault.SendAsync(HttpMethod.Put, "/v1/sellers/seller-1/connections/sp-api", secret,
            new { region = "na", refreshToken = new string('x', 70 * 1024) });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("payload_too_large", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await vault.Store.GetConnectionAsync("default", "seller-1", "sp-api"));
    }

    [Fact]
    public async Task AChunkedOversizedBodyIsRefusedToo()
    {
        await using var vault = await VaultHarness.StartAsync();
        using var request = vault.Request(HttpMethod.Put, "/v1/sellers/seller-1/connections/sp-api", SellerSecret.Generate());
        request.Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"region\":\"na\",\"refreshToken\":\"" + new string('x', 100 * 1024) + "\"}")));
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;

        using var response = await vault.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(await vault.Store.GetConnectionAsync("default", "seller-1", "sp-api"));
    }

    [Fact]
    public async Task ProxiedCallsMayCarryLargerBodies()
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1", "ads");

        using var response = await vault.SendAsync(HttpMethod.Post, "/v1/sellers/seller-1/ads/sp/campaigns/list", seeded.Secret, new { filler = new string('x', 200 * 1024) });

        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains(vault.Simulator.State.Calls.Snapshot(), c => c.PathAndQuery == "/sp/campaigns/list");
    }

    [Fact]
    public async Task ATenantsWritesAreRateLimitedWithoutSlowingOtherTenants()
    {
        await using var vault = await VaultHarness.StartAsync();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 125; i++)
        {
            using var response = await vault.SendAsync(HttpMethod.Delete, $"/v1/sellers/seller-{i}/connections/sp-api", jwt: vault.Jwt(tenant: "busy"));
            statuses.Add(response.StatusCode);
        }
        using var other = await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-1/connections/sp-api", jwt: vault.Jwt(tenant: "calm"));
        using var read = await vault.SendAsync(HttpMethod.Get, "/v1/sellers", jwt: vault.Jwt(tenant: "busy"));

        Assert.All(statuses.Take(120), s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Contains((HttpStatusCode)429, statuses.Skip(120));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Trait("Category", "Slow")] // 24 derivations at twice the default cost
    [Fact]
    public async Task AFloodOfColdRequestsIsAnsweredOkOrBusyNeverAnythingElse()
    {
        await using var tight = await VaultHarness.StartAsync(host: builder => builder.Services.AddSingleton(new KdfGate(1, 1)));
        var sellers = new List<Seed.Seeded>();
        // Records twice the default cost (log2 N 15, not weaker, so never upgraded) keep each derivation long enough
        // that 24 requests sent together always find the one slot and the one queue place taken.
        for (var i = 0; i < 24; i++)
            sellers.Add(await Seed.ConnectionAsync(tight, $"seller-{i}", kdf: new Vault.Crypto.Kdf.ScryptParameters(15, 8, 1)));

        var responses = await Task.WhenAll(sellers.Select((s, i) =>
            tight.SendAsync(HttpMethod.Get, $"/v1/sellers/seller-{i}/sp-api/sellers/v1/marketplaceParticipations", s.Secret)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"{r.StatusCode}"));
        var busy = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        Assert.NotEmpty(busy);
        Assert.All(busy, r => Assert.NotNull(r.Headers.RetryAfter));
        Assert.Contains("\"busy\"", await busy[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var response in responses)
            response.Dispose();
    }

    [Fact]
    public async Task TheKdfGateRefusesBeyondItsQueue()
    {
        using var gate = new KdfGate(1, 2);
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var running = Task.Run(() => gate.RunAsync("a", () => { started.Set(); release.Wait(); return "first"; }, CancellationToken.None));
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)), "the first derivation never started");
        // Two tenants, one queue place each (a tenant may hold half the queue). Joining the queue is decided when
        // RunAsync is called, before it first awaits: no waiting needed.
        var queued = new[] { "a", "b" }.Select(tenant => gate.RunAsync(tenant, () => "queued", CancellationToken.None)).ToList();
        Assert.Equal(2, gate.Waiting);

        var refused = await gate.RunAsync("c", () => "refused", CancellationToken.None);

        Assert.False(refused.Ran);
        release.Set();
        Assert.Equal((true, "first"), await running);
        Assert.All(await Task.WhenAll(queued), r => Assert.Equal((true, "queued"), r));
    }
}
