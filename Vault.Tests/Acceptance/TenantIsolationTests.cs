using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vault.Crypto;
using Vault.Tests.Auth;
using Vault.Tests.OAuth;
using Vault.Tests.Sellers;
using Vault.Tests.Support;
using Xunit.Abstractions;

namespace Vault.Tests.Acceptance;

/// <summary>
/// Issue 6, item 5: a caller of tenant A addressing tenant B's seller, on every endpoint of docs/API.md's operations table,
/// gets 404 as if the seller did not exist (even holding B's seller secret), sees none of B's sellers or audit events,
/// and changes nothing: B's rows are byte-for-byte the same and no call reached Amazon. Where A may legitimately write
/// under the same seller id (import, authorizations), it creates A's own rows and B's stay as they were.
/// </summary>
public class TenantIsolationTests(ITestOutputHelper output)
{
    private const string TenantA = "tenant-a", TenantB = "tenant-b";
    private const string BSeller = "b-seller", BShared = "b-seller-2";

    private sealed record Probe(string Endpoint, HttpMethod Method, string Path, string? Secret, int Status, string? Code, Action<HttpRequestMessage>? Extra = null, object? Json = null);

    [Fact]
    public async Task ACallerOfTenantAGetsNotFoundOnEveryEndpointForTenantBsSellerAndChangesNothing()
    {
        await using var vault = await VaultHarness.StartAsync();
        var bSp = await Seed.ConnectionAsync(vault, BSeller, "sp-api", tenant: TenantB);
        var bAds = await Seed.ConnectionAsync(vault, BSeller, "ads", tenant: TenantB);
        await Seed.ConnectionAsync(vault, BShared, "sp-api", tenant: TenantB);
        await Seed.ConnectionAsync(vault, BShared, "ads", tenant: TenantB);
        await Seed.ConnectionAsync(vault, "a-seller", "sp-api", tenant: TenantA);
        var jwtA = vault.Jwt(tenant: TenantA);
        var jwtB = vault.Jwt(tenant: TenantB);
        // B has used its connection (an access token in the cache, an export in its audit) and holds paging cursors.
        await (await vault.SendAsync(HttpMethod.Post, $"/v1/sellers/{BSeller}/connections/sp-api/verify", bSp.Secret, jwt: jwtB)).OkJsonAsync();
        await (await vault.SendAsync(HttpMethod.Get, $"/v1/sellers/{BSeller}/connections/sp-api/export", bSp.Secret, jwt: jwtB)).OkJsonAsync();
        var bSellerCursor = (await (await vault.SendAsync(HttpMethod.Get, "/v1/sellers?limit=1", jwt: jwtB)).OkJsonAsync()).GetProperty("nextCursor").GetString();
        var bAuditCursor = (await (await vault.SendAsync(HttpMethod.Get, "/v1/audit?limit=1", jwt: jwtB)).OkJsonAsync()).GetProperty("nextCursor").GetString();
        Assert.NotNull(bSellerCursor);
        Assert.NotNull(bAuditCursor);

        var rowsB = await VaultRows.ReadAsync(vault.DatabasePath, TenantB);
        var amazonCalls = vault.Simulator.State.Calls.Snapshot().Count;
        var tokenCalls = vault.Simulator.State.Calls.TokenCallsByGrantType.Values.Sum();
        var newSecret = SellerSecret.Generate();

        // Every operation of docs/API.md that names a seller, with B's own secret where one is needed.
        Probe[] probes =
        [
            new("get seller", HttpMethod.Get, $"/v1/sellers/{BSeller}", null, 404, "seller_not_found"),
            new("verify sp-api", HttpMethod.Post, $"/v1/sellers/{BSeller}/connections/sp-api/verify", bSp.Secret, 404, "connection_not_found"),
            new("verify ads", HttpMethod.Post, $"/v1/sellers/{BSeller}/connections/ads/verify", bAds.Secret, 404, "connection_not_found"),
            new("secret rotation", HttpMethod.Post, $"/v1/sellers/{BSeller}/secret-rotation", bSp.Secret, 404, "seller_not_found",
                request => request.Headers.Add("x-amazon-token-secret-new", newSecret)),
            new("export", HttpMethod.Get, $"/v1/sellers/{BSeller}/connections/sp-api/export", bSp.Secret, 404, "connection_not_found"),
            new("delete connection", HttpMethod.Delete, $"/v1/sellers/{BSeller}/connections/sp-api", null, 404, "connection_not_found"),
            new("delete seller", HttpMethod.Delete, $"/v1/sellers/{BSeller}", null, 404, "seller_not_found"),
            new("sp-api proxy GET", HttpMethod.Get, $"/v1/sellers/{BSeller}/sp-api/sellers/v1/marketplaceParticipations", bSp.Secret, 404, "connection_not_found"),
            new("sp-api proxy restricted", HttpMethod.Get, $"/v1/sellers/{BSeller}/sp-api/orders/v0/orders/111-0000000-0000000/address", bSp.Secret, 404, "connection_not_found"),
            new("ads proxy GET", HttpMethod.Get, $"/v1/sellers/{BSeller}/ads/v2/profiles", bAds.Secret, 404, "connection_not_found"),
            new("ads proxy POST", HttpMethod.Post, $"/v1/sellers/{BSeller}/ads/sp/campaigns/list", bAds.Secret, 404, "connection_not_found",
                request => request.Headers.Add("Amazon-Advertising-API-Scope", "1"), new { }),
            new("list", HttpMethod.Get, "/v1/sellers", null, 200, null),
            new("list with B's cursor", HttpMethod.Get, "/v1/sellers?cursor=" + bSellerCursor, null, 200, null),
            new("audit of B's seller", HttpMethod.Get, $"/v1/audit?sellerId={BSeller}", null, 200, null),
            new("audit", HttpMethod.Get, "/v1/audit", null, 200, null),
            new("audit with B's cursor", HttpMethod.Get, "/v1/audit?cursor=" + bAuditCursor, null, 200, null),
        ];
        foreach (var probe in probes)
        {
            using var request = vault.Request(probe.Method, probe.Path, probe.Secret, probe.Json, jwtA);
            probe.Extra?.Invoke(request);
            using var response = await vault.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            output.WriteLine($"{probe.Endpoint}: {(int)response.StatusCode} {text[..Math.Min(text.Length, 160)]}");
            if (probe.Code is not null)
            {
                await ProblemAssert.IsAsync(response, (HttpStatusCode)probe.Status, probe.Code);
            }
            else
            {
                Assert.True(probe.Status == (int)response.StatusCode, $"{probe.Endpoint}: {(int)response.StatusCode} {text}");
                // Nothing of B's shows: not its seller ids, its secrets' sellers, its selling partner ids or its tenant.
                foreach (var forbidden in new[] { BSeller, TenantB, bSp.SellingPartnerId })
                    Assert.DoesNotContain(forbidden, text, StringComparison.Ordinal);
            }
        }
        using (var list = await vault.SendAsync(HttpMethod.Get, "/v1/sellers", jwt: jwtA))
            Assert.Equal(["a-seller"], (await list.OkJsonAsync()).GetProperty("sellers").EnumerateArray().Select(s => s.GetProperty("sellerId").GetString()));
        using (var audit = await vault.SendAsync(HttpMethod.Get, "/v1/audit", jwt: jwtA))
            Assert.All((await audit.OkJsonAsync()).GetProperty("events").EnumerateArray(), e => Assert.Equal("a-seller", e.GetProperty("sellerId").GetString()));

        Assert.True(rowsB.SameAs(await VaultRows.ReadAsync(vault.DatabasePath, TenantB)), "tenant B's rows changed");
        Assert.Equal(amazonCalls, vault.Simulator.State.Calls.Snapshot().Count);
        Assert.Equal(tokenCalls, vault.Simulator.State.Calls.TokenCallsByGrantType.Values.Sum());
        output.WriteLine($"{probes.Length} probes; tenant B's {rowsB.Connections.Count} connections and {rowsB.Audit.Count} audit rows unchanged; no Amazon call");

        // B's seller still works for B.
        await (await vault.SendAsync(HttpMethod.Post, $"/v1/sellers/{BSeller}/connections/ads/verify", bAds.Secret, jwt: jwtB)).OkJsonAsync();
    }

    [Fact]
    public async Task ImportAndAuthorizationForASellerIdOnlyTenantBHasCreateTenantAsOwnRowsAndLeaveBsAlone()
    {
        await using var vault = await VaultHarness.StartAsync();
        var bSp = await Seed.ConnectionAsync(vault, BShared, "sp-api", tenant: TenantB);
        var bAds = await Seed.ConnectionAsync(vault, BShared, "ads", tenant: TenantB);
        var jwtA = vault.Jwt(tenant: TenantA);
        var rowsB = await VaultRows.ReadAsync(vault.DatabasePath, TenantB);

        // Import: A's PUT is a creation (201, not "replaced"), under A, sealed under A's secret.
        var secretA = SellerSecret.Generate();
        var tokenA = vault.IssueToken("sp-api");
        using (var import = await vault.SendAsync(HttpMethod.Put, $"/v1/sellers/{BShared}/connections/sp-api", secretA, new { region = "eu", refreshToken = tokenA }, jwtA))
            Assert.Equal(HttpStatusCode.Created, import.StatusCode);

        // Authorization: the whole browser flow for the same seller id and the other api, as A.
        var browser = new OAuthBrowser(vault);
        Uri authorizeUrl;
        using (var start = await vault.SendAsync(HttpMethod.Post, $"/v1/sellers/{BShared}/authorizations", secretA,
            new { api = "ads", region = "na", redirectUrl = VaultHarness.WmsOrigin + "/amazon/done" }, jwtA))
        {
            Assert.Equal(HttpStatusCode.Created, start.StatusCode);
            authorizeUrl = new Uri((await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("authorizeUrl").GetString()!);
        }
        using var consent = await browser.StartAsync(authorizeUrl);
        using var done = await browser.CallbackAsync(await browser.ConsentAsync(consent.Headers.Location!, "allow"));
        Assert.Contains("status=connected", done.Headers.Location!.Query, StringComparison.Ordinal);

        Assert.True(rowsB.SameAs(await VaultRows.ReadAsync(vault.DatabasePath, TenantB)), "tenant B's rows changed:\n" + rowsB.Diff(await VaultRows.ReadAsync(vault.DatabasePath, TenantB)));
        var rowsA = await VaultRows.ReadAsync(vault.DatabasePath, TenantA);
        Assert.Equal(2, rowsA.Connections.Count);
        Assert.Equal(tokenA, (await vault.OpenStoredAsync(BShared, "sp-api", secretA, TenantA)).Token?.Value);
        Assert.NotNull((await vault.OpenStoredAsync(BShared, "ads", secretA, TenantA)).Token);
        // Each tenant's secret opens only its own row.
        Assert.Equal(Vault.Crypto.Formats.OpenFailure.SecretMismatch, (await vault.OpenStoredAsync(BShared, "sp-api", bSp.Secret, TenantA)).Failure);
        Assert.Equal(bSp.RefreshToken, (await vault.OpenStoredAsync(BShared, "sp-api", bSp.Secret, TenantB)).Token?.Value);
        Assert.Equal(bAds.RefreshToken, (await vault.OpenStoredAsync(BShared, "ads", bAds.Secret, TenantB)).Token?.Value);

        // B sees only its own two connections of that seller, unchanged (same region, same format, same timestamps).
        using var sellerB = await vault.SendAsync(HttpMethod.Get, $"/v1/sellers/{BShared}", jwt: vault.Jwt(tenant: TenantB));
        var connectionsB = (await sellerB.OkJsonAsync()).GetProperty("connections");
        Assert.Equal(2, connectionsB.GetArrayLength());
        Assert.All(connectionsB.EnumerateArray(), c => Assert.Equal("na", c.GetProperty("region").GetString()));
    }

    /// <summary>
    /// The circuit breaker is per Amazon host, shared by every tenant: a tenant whose uploads break off (bad chunked
    /// framing) must not be counted as Amazon failing, or it could pause everyone's calls to that host.
    /// </summary>
    [Fact]
    public async Task OneTenantsBrokenUploadsDoNotPauseAnotherTenantsCallsToTheSameAmazonHost()
    {
        await using var vault = await VaultHarness.StartAsync();
        var attacker = await Seed.ConnectionAsync(vault, "a-seller", "ads", tenant: TenantA);
        var victim = await Seed.ConnectionAsync(vault, BSeller, "ads", tenant: TenantB);
        var jwtA = vault.Jwt(tenant: TenantA);
        var statuses = new List<int>();

        for (var i = 0; i < 30; i++)
        {
            var request = $"POST /v1/sellers/a-seller/ads/sp/campaigns/list HTTP/1.1\r\nHost: {vault.BaseAddress.Authority}\r\nAuthorization: Bearer {jwtA}\r\n" +
                $"x-amazon-token-secret: {attacker.Secret}\r\nAmazon-Advertising-API-Scope: 1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                (i % 2 == 0 ? "zz\r\n{}\r\n0\r\n\r\n" : "1\r\n{}\r\n0\r\n\r\n");
            var exchange = await RawHttpExchange.SendAsync(vault.BaseAddress, Encoding.ASCII.GetBytes(request), TimeSpan.FromSeconds(5));
            statuses.Add(exchange.First?.Status ?? -1);
        }
        using var call = vault.Request(HttpMethod.Get, $"/v1/sellers/{BSeller}/ads/v2/profiles", victim.Secret, jwt: vault.Jwt(tenant: TenantB));
        using var response = await vault.Http.SendAsync(call);

        Assert.All(statuses, status => Assert.Equal(400, status));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"tenant B got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
