using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vault.AmazonSimulator;
using Vault.AmazonSimulator.Controls;
using Vault.Api.OAuth;
using Vault.Crypto;
using Vault.Tests.OAuth;
using Vault.Tests.Support;
using Xunit.Abstractions;

namespace Vault.Tests.Acceptance;

/// <summary>
/// Issue 6, item 4 on one full flow, so the property holds for a plain <c>dotnet test</c> too: every secret,
/// token, code and JWT the flow touches is searched for in the vault's log (captured at Trace), every error body
/// it answered, /metrics and the audit table (both the API's view and the raw rows). Zero hits.
/// </summary>
public sealed class LeakTests(ITestOutputHelper output)
{
    private const string Seller = "leak-seller-1";
    private const string SpApiHost = "sellingpartnerapi-na.amazon.com";

    [Trait("Category", "Slow")] // every endpoint of a full flow
    [Fact]
    public async Task AFullFlowLeavesNoSecretInLogsProblemBodiesMetricsOrTheAuditTable()
    {
        var captureDirectory = Directory.CreateTempSubdirectory("vault-leak-flow-").FullName;
        var logs = new FileLogCapture(captureDirectory, "vault.log");
        try
        {
            var flow = new Flow();
            await using (var vault = await VaultHarness.StartAsync(
                settings =>
                {
                    settings["AMAZON_ATTEMPT_TIMEOUT_MS"] = "300";
                    // Room for the 503 case's five attempts and their jittered backoff (up to ~3 s) on a loaded
                    // machine: at 3 s the total timeout once struck first and the call was 504, not 503.
                    settings["AMAZON_TOTAL_TIMEOUT_MS"] = "10000";
                },
                host: builder =>
                {
                    builder.Logging.SetMinimumLevel(LogLevel.Trace);
                    builder.Logging.AddProvider(logs);
                }))
            {
                flow.Vault = vault;
                await RunFlowAsync(flow);
                flow.Captured["metrics"] = await vault.Http.GetStringAsync("/metrics");
                flow.Captured["audit table"] = AuditDump.Read(vault.DatabasePath);
                foreach (var issued in SimulatorSecrets.IssuedBy(vault.Simulator.State))
                    flow.Use(issued.Kind, issued.Value);
            }
            logs.Dispose();
            flow.Captured["log"] = await File.ReadAllTextAsync(Path.Combine(captureDirectory, "vault.log"));
            flow.Captured["error bodies"] = flow.ErrorBodies.ToString();
            flow.Use("configured-jwt-secret", VaultHarness.JwtSecret);
            flow.Use("configured-cookie-key", VaultHarness.CookieKey);

            var scanner = new LeakScanner(flow.Used);
            var hits = flow.Captured.SelectMany(c => scanner.Scan(c.Key, c.Value)).ToList();
            output.WriteLine($"values: {scanner.Count} ({string.Join(", ", flow.Used.GroupBy(u => u.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))})");
            output.WriteLine(string.Join(", ", flow.Captured.Select(c => $"{c.Key}: {c.Value.Length:N0} chars")) + $"; error responses: {flow.ErrorCount}");

            foreach (var kind in (string[])["jwt", "seller-secret", "refresh-token", "access-token", "rdt", "authorization-code", "oauth-cookie", "oauth-ticket"])
                Assert.True(flow.Used.Any(u => u.Kind == kind), $"the flow used no {kind}");
            Assert.Contains("JwtBearerHandler", flow.Captured["log"], StringComparison.Ordinal); // the capture saw the refused tokens being handled
            Assert.Contains("secret.rotated", flow.Captured["audit table"], StringComparison.Ordinal);
            Assert.True(flow.ErrorCount >= 10, $"only {flow.ErrorCount} error responses");
            Assert.True(hits.Count == 0, $"{hits.Count} leak(s):\n" + string.Join("\n", hits.Take(20).Select(h => $"{h.Kind} ({h.Part}) in {h.Source}: {h.Context}")));
        }
        finally
        {
            logs.Dispose();
            Directory.Delete(captureDirectory, recursive: true);
        }
    }

    private sealed class Flow
    {
        public VaultHarness Vault { get; set; } = null!;
        public List<(string Kind, string Value)> Used { get; } = [];
        public Dictionary<string, string> Captured { get; } = [];
        public StringBuilder ErrorBodies { get; } = new();
        public int ErrorCount { get; private set; }

        public string Use(string kind, string value)
        {
            Used.Add((kind, value));
            return value;
        }

        /// <summary>Sends with an explicit JWT (recorded), keeps every error body, and checks the status.</summary>
        public async Task<HttpResponseMessage> SendAsync(HttpStatusCode expected, HttpMethod method, string path, string? secret = null, object? json = null,
            string? jwt = null, (string Name, string Value)? header = null)
        {
            using var request = Vault.Request(method, path, secret, json, Use("jwt", jwt ?? Vault.Jwt()));
            if (header is { } extra)
                request.Headers.TryAddWithoutValidation(extra.Name, extra.Value);
            var response = await Vault.Http.SendAsync(request);
            await KeepAsync(response);
            Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode}, expected {(int)expected}");
            return response;
        }

        public async Task KeepAsync(HttpResponseMessage response)
        {
            if ((int)response.StatusCode < 400)
                return;
            ErrorCount++;
            var body = await response.Content.ReadAsStringAsync();
            ErrorBodies.Append((int)response.StatusCode).Append(' ').AppendLine(body);
            Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
        }
    }

    private static async Task RunFlowAsync(Flow flow)
    {
        var vault = flow.Vault;
        var state = vault.Simulator.State;
        var secret = flow.Use("seller-secret", SellerSecret.Generate());
        var newSecret = flow.Use("seller-secret", SellerSecret.Generate());
        var wrongSecret = flow.Use("seller-secret", SellerSecret.Generate());
        var now = DateTime.UtcNow;

        // OAuth connect (SP-API) in the browser's hops, and two tampered callbacks.
        using (var created = await flow.SendAsync(HttpStatusCode.Created, HttpMethod.Post, $"/v1/sellers/{Seller}/authorizations", secret,
                   new { api = "sp-api", region = "na", redirectUrl = VaultHarness.WmsOrigin + "/amazon/done" }))
        {
            var authorizeUrl = new Uri((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("authorizeUrl").GetString()!);
            flow.Use("oauth-ticket", OAuthBrowser.Query(authorizeUrl)["ticket"]);
            var browser = new OAuthBrowser(vault);
            using var start = await browser.StartAsync(authorizeUrl);
            flow.Use("oauth-cookie", browser.Cookie!.Split('=', 2)[1]);
            var callback = await browser.ConsentAsync(start.Headers.Location!, "allow");
            var query = OAuthBrowser.Query(callback);
            flow.Use("authorization-code", query["spapi_oauth_code"]);
            flow.Use("oauth-state", query["state"]);
            using var tampered = await browser.CallbackAsync(new Uri(callback.ToString().Replace(query["state"], query["state"][..^2] + "xx", StringComparison.Ordinal)));
            await flow.KeepAsync(tampered);
            Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
            using var done = await browser.CallbackAsync(callback);
            Assert.Contains("status=connected", done.Headers.Location!.Query, StringComparison.Ordinal);
            using var replayed = await browser.CallbackAsync(callback);
            await flow.KeepAsync(replayed);
            Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
            using var replayedTicket = await browser.StartAsync(authorizeUrl);
            await flow.KeepAsync(replayedTicket);
        }

        // Import (Ads), proxied calls (one with an RDT), verify.
        var adsToken = flow.Use("refresh-token", state.IssueRefreshToken(SimulatorOptions.DefaultAdsClientId).RefreshToken);
        (await flow.SendAsync(HttpStatusCode.Created, HttpMethod.Put, $"/v1/sellers/{Seller}/connections/ads", secret, new { region = "na", refreshToken = adsToken })).Dispose();
        (await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v1/sellers/{Seller}/sp-api/orders/v0/orders/123-1234567-1234567/address", secret)).Dispose();
        (await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v1/sellers/{Seller}/sp-api/orders/v0/orders/123-1234567-1234567", secret,
            header: ("x-vault-restricted-data-elements", "buyerInfo,shippingAddress"))).Dispose();
        (await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v1/sellers/{Seller}/ads/v2/profiles", secret)).Dispose();
        (await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Post, $"/v1/sellers/{Seller}/connections/sp-api/verify", secret)).Dispose();
        (await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Post, $"/v1/sellers/{Seller}/connections/ads/verify", secret)).Dispose();
        (await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Get, "/v1/sellers", jwt: vault.Jwt("connections:read"))).Dispose();

        // Errors: every kind of refusal, each with secrets in the request.
        (await flow.SendAsync(HttpStatusCode.Forbidden, HttpMethod.Post, $"/v1/sellers/{Seller}/connections/sp-api/verify", wrongSecret)).Dispose();
        (await flow.SendAsync(HttpStatusCode.Forbidden, HttpMethod.Get, $"/v1/sellers/{Seller}/sp-api/sellers/v1/marketplaceParticipations", wrongSecret)).Dispose();
        (await flow.SendAsync(HttpStatusCode.BadRequest, HttpMethod.Post, $"/v1/sellers/{Seller}/connections/ads/verify",
            flow.Use("seller-secret", "this secret is not base64 at all " + Guid.NewGuid().ToString("N")))).Dispose();
        (await flow.SendAsync(HttpStatusCode.Unauthorized, HttpMethod.Get, "/v1/sellers", jwt: TestJwt.Hs256("another-signing-key-of-32-bytes-or-more!!"))).Dispose();
        (await flow.SendAsync(HttpStatusCode.Unauthorized, HttpMethod.Get, "/v1/sellers",
            jwt: TestJwt.Hs256(VaultHarness.JwtSecret, expires: now.AddMinutes(-10), notBefore: now.AddMinutes(-20)))).Dispose();
        (await flow.SendAsync(HttpStatusCode.Unauthorized, HttpMethod.Get, "/v1/sellers",
            jwt: TestJwt.Raw("""{"alg":"none","typ":"JWT"}""", $$"""{"scope":"{{TestJwt.AllScopes}}","exp":{{TestJwt.Epoch(now.AddMinutes(5))}}}"""))).Dispose();
        (await flow.SendAsync(HttpStatusCode.Forbidden, HttpMethod.Post, $"/v1/sellers/{Seller}/secret-rotation", secret, jwt: vault.Jwt("connections:read"),
            header: ("x-amazon-token-secret-new", newSecret))).Dispose();
        (await flow.SendAsync(HttpStatusCode.NotFound, HttpMethod.Post, "/v1/sellers/nobody/connections/sp-api/verify", secret)).Dispose();
        (await flow.SendAsync(HttpStatusCode.BadRequest, HttpMethod.Put, $"/v1/sellers/{Seller}/connections/ads", secret,
            new { region = "na", refreshToken = flow.Use("refresh-token", "Atzr|with a space " + Guid.NewGuid().ToString("N")) })).Dispose();
        (await flow.SendAsync(HttpStatusCode.BadRequest, HttpMethod.Put, $"/v1/sellers/{Seller}/connections/ads", secret,
            new { region = "xx", refreshToken = flow.Use("refresh-token", "Atzr|" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N")) })).Dispose();
        state.Faults.Add(new FaultSpec(Host: SpApiHost, PathPrefix: "/sellers/", ErrorRate: 1.0, ErrorStatus: 503));
        (await flow.SendAsync(HttpStatusCode.ServiceUnavailable, HttpMethod.Get, $"/v1/sellers/{Seller}/sp-api/sellers/v1/marketplaceParticipations", secret)).Dispose();
        state.Faults.Clear();
        state.Faults.Add(new FaultSpec(Host: SpApiHost, PathPrefix: "/orders/", TimeoutRate: 1.0, TimeoutMs: 2000));
        (await flow.SendAsync(HttpStatusCode.GatewayTimeout, HttpMethod.Get, $"/v1/sellers/{Seller}/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER", secret)).Dispose();
        state.Faults.Clear();

        // Rotation, then the new secret works and the old one does not.
        (await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Post, $"/v1/sellers/{Seller}/secret-rotation", secret, header: ("x-amazon-token-secret-new", newSecret))).Dispose();
        (await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v1/sellers/{Seller}/sp-api/sellers/v1/marketplaceParticipations", newSecret)).Dispose();
        (await flow.SendAsync(HttpStatusCode.Forbidden, HttpMethod.Post, $"/v1/sellers/{Seller}/connections/ads/verify", secret)).Dispose();

        // Export, then a revoked grant (409), then the deletes and the audit trail.
        using (var export = await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Get, $"/v1/sellers/{Seller}/connections/ads/export", newSecret))
            flow.Use("databorder-blob", (await export.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dataBorderBlob").GetString()!);
        foreach (var issued in SimulatorSecrets.IssuedBy(state).Where(t => t.Kind == "refresh-token" && t.Value != adsToken))
            state.Revoke(issued.Value);
        (await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Post, $"/v1/sellers/{Seller}/secret-rotation", newSecret,
            header: ("x-amazon-token-secret-new", flow.Use("seller-secret", SellerSecret.Generate())))).Dispose();
        (await flow.SendAsync(HttpStatusCode.Conflict, HttpMethod.Get, $"/v1/sellers/{Seller}/sp-api/sellers/v1/marketplaceParticipations",
            flow.Used.Last(u => u.Kind == "seller-secret").Value)).Dispose();
        (await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Delete, $"/v1/sellers/{Seller}/connections/ads")).Dispose();
        (await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Delete, $"/v1/sellers/{Seller}")).Dispose();
        using var audit = await flow.SendAsync(HttpStatusCode.OK, HttpMethod.Get, "/v1/audit?limit=500");
        flow.Captured["audit api"] = await audit.Content.ReadAsStringAsync();
    }
}

/// <summary>Key buffers are zeroed: the crypto layer's own (SellerSecretTests covers the secret's bytes).</summary>
public sealed class KeyBufferTests
{
    private static byte[] KeyOf(PayloadSealer sealer) =>
        (byte[])(typeof(PayloadSealer).GetField("_key", BindingFlags.Instance | BindingFlags.NonPublic)
                 ?? throw new InvalidOperationException("PayloadSealer no longer keeps its key in _key: update this test")).GetValue(sealer)!;

    [Fact]
    public void DisposingAPayloadSealerZeroesItsDerivedKey()
    {
        var sealer = new PayloadSealer(VaultHarness.CookieKey, "oauth-ticket");
        var key = KeyOf(sealer);
        var sealedText = sealer.Seal("payload"u8);
        Assert.Equal(32, key.Length);
        Assert.Contains(key, b => b != 0);

        sealer.Dispose();

        Assert.All(key, b => Assert.Equal(0, b));
        Assert.Throws<ObjectDisposedException>(() => sealer.Seal("payload"u8));
        Assert.Throws<ObjectDisposedException>(() => sealer.Unseal(sealedText));
        sealer.Dispose(); // twice is harmless
    }

    [Fact]
    public async Task TheVaultsOAuthSealersAreZeroedWhenItStops()
    {
        byte[] tickets, cookies;
        await using (var vault = await VaultHarness.StartAsync())
        {
            var sealers = vault.Services.GetRequiredService<OAuthSealers>();
            (tickets, cookies) = (KeyOf(sealers.Tickets), KeyOf(sealers.Cookies));
            Assert.Contains(tickets, b => b != 0);
            Assert.Contains(cookies, b => b != 0);
            Assert.NotEqual(tickets, cookies); // one key per purpose
        }

        Assert.All(tickets, b => Assert.Equal(0, b));
        Assert.All(cookies, b => Assert.Equal(0, b));
    }
}
