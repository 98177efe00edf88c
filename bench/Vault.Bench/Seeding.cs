using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;

namespace Vault.Bench;

/// <summary>
/// <c>seed</c>: raises the simulator's rate limit for the benchmark's operation, then connects one warm seller and
/// <c>count</c> cold sellers through the vault's own API (PUT /v1/sellers/{id}/connections/sp-api with a simulator
/// refresh token and a fresh secret per seller). At most 100 sellers per tenant: the vault limits writes per tenant.
/// </summary>
internal static class Seeding
{
    private const int SellersPerTenant = 100;
    private const string Scope = "connections:read connections:write amazon:call";

    public static async Task<int> RunAsync(string vault, string simulator, int count, string output)
    {
        var jwtSecret = Environment.GetEnvironmentVariable("JWT_SECRET") ?? throw new InvalidOperationException("JWT_SECRET is not set");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };

        // The simulator enforces 100 req/s per operation and partner by default: lift it so it never throttles a benchmark.
        using (var limits = await http.PostAsJsonAsync($"{simulator}/_sim/rate-limits", new { operation = "getMarketplaceParticipations", rate = 1e9, burst = 1_000_000_000 }))
            limits.EnsureSuccessStatusCode();

        var jwts = new Dictionary<string, string>(StringComparer.Ordinal);
        string JwtFor(string tenant)
        {
            lock (jwts)
            {
                if (!jwts.TryGetValue(tenant, out var jwt))
                    jwts[tenant] = jwt = BenchState.Jwt(jwtSecret, tenant, Scope, TimeSpan.FromHours(12));
                return jwt;
            }
        }

        var warm = await ConnectAsync(http, vault, simulator, "bench", "warm-0", JwtFor("bench"));
        var cold = new SeededSeller[count];
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount * 2 }, async (i, _) =>
        {
            var tenant = $"bench-c{i / SellersPerTenant}";
            cold[i] = await ConnectAsync(http, vault, simulator, tenant, $"cold-{i}", JwtFor(tenant));
        });
        Console.Error.WriteLine($"seed: {count + 1} connections in {watch.Elapsed.TotalSeconds:F1} s");

        // The direct reference calls the simulator with an access token of its own for the warm seller's grant.
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = warm.RefreshToken,
            ["client_id"] = BenchState.SpApiClientId, ["client_secret"] = BenchState.SpApiClientSecret,
        });
        using var lwa = await http.PostAsync($"{simulator}/api.amazon.com/auth/o2/token", form);
        lwa.EnsureSuccessStatusCode();
        var accessToken = (await lwa.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("access_token").GetString()!;

        var state = new BenchState(vault, simulator, warm, cold, jwts, accessToken);
        // Both paths must answer 200 before anything is measured; the vault's call also fills its access-token cache.
        foreach (var request in new[] { state.VaultRequest(warm), state.DirectRequest() })
        {
            using var response = await http.SendAsync(request);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"{request.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        state.Save(output);
        return 0;
    }

    private static async Task<SeededSeller> ConnectAsync(HttpClient http, string vault, string simulator, string tenant, string sellerId, string jwt)
    {
        using var issued = await http.PostAsJsonAsync($"{simulator}/_sim/refresh-tokens", new { clientId = BenchState.SpApiClientId });
        issued.EnsureSuccessStatusCode();
        var refreshToken = (await issued.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("refreshToken").GetString()!;
        var secret = BenchState.NewSecret();
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"{vault}/v1/sellers/{sellerId}/connections/sp-api")
            {
                Content = new StringContent($$"""{"region":"na","refreshToken":"{{refreshToken}}"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + jwt);
            request.Headers.TryAddWithoutValidation("x-amazon-token-secret", secret);
            using var response = await http.SendAsync(request);
            if (response.IsSuccessStatusCode)
                return new SeededSeller(tenant, sellerId, secret, refreshToken);
            // 503 busy (the KDF queue) or 429: wait as told and try again.
            if (attempt < 20 && (int)response.StatusCode is 503 or 429)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                continue;
            }
            throw new InvalidOperationException($"PUT {sellerId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
