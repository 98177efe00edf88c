using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace Vault.Bench;

/// <summary>
/// <c>pace</c> (issue 17): a WMS load of <c>factor</c> × an operation's rate from <c>clients</c> concurrent clients for
/// <c>seconds</c>, on the warm seller, spread round-robin over one or more vault instances. Each client sends at its
/// share of the rate and never has more than one call in flight (a caller held back by pacing sends its next call
/// late). Counts what reached the caller: 200s, Amazon's own 429s (QuotaExceeded), the vault's 429 rate_limited, the
/// rest; served per second is the 200s beyond the bucket's burst over the time until the last answer.
/// </summary>
internal static class PacingLoad
{
    public static async Task<int> RunAsync(BenchState state, string path, double rate, int burst, int clients, double seconds, double factor, string[] vaults)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 }) { Timeout = TimeSpan.FromSeconds(90) };
        var interval = TimeSpan.FromSeconds(clients / (rate * factor));
        var (ok, amazon429, vault429, other, waited) = (0, 0, 0, 0, 0);
        using (var cleared = await http.DeleteAsync($"{state.Simulator}/_sim/calls")) // the log keeps 10,000 calls: this run's only
            cleared.EnsureSuccessStatusCode();
        var watch = Stopwatch.StartNew();
        var end = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            // Staggered starts, so the clients' calls are spread over each interval rather than all at once.
            var next = interval * client / clients;
            for (var n = 0; next < end; n++, next += interval)
            {
                var delay = next - watch.Elapsed;
                if (delay > TimeSpan.Zero)
                    await Task.Delay(delay);
                using var request = new HttpRequestMessage(HttpMethod.Get, $"{vaults[(client + n) % vaults.Length]}/v1/sellers/{state.Warm.SellerId}/sp-api{path}");
                request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + state.Jwts[state.Warm.Tenant]);
                request.Headers.TryAddWithoutValidation("x-amazon-token-secret", state.Warm.Secret);
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                var counter = (int)response.StatusCode switch
                {
                    200 => 0,
                    429 when body.Contains("QuotaExceeded", StringComparison.Ordinal) => 1,
                    429 when body.Contains("rate_limited", StringComparison.Ordinal) => 2,
                    _ => 3,
                };
                _ = counter switch
                {
                    0 => Interlocked.Increment(ref ok),
                    1 => Interlocked.Increment(ref amazon429),
                    2 => Interlocked.Increment(ref vault429),
                    _ => Interlocked.Increment(ref other),
                };
                if (response.Headers.Contains("x-vault-rate-wait-ms"))
                    Interlocked.Increment(ref waited);
            }
        }));
        var elapsed = watch.Elapsed.TotalSeconds;
        var attemptsThrottled = await ThrottledAttemptsAsync(http, state.Simulator, path);
        var calls = ok + amazon429 + vault429 + other;
        // Over the whole run: callers held back by pacing finish after the last send.
        var served = Math.Max(0, ok - burst) / elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"calls {calls} in {elapsed:F1} s: 200 {ok} (waited {waited}), Amazon 429 {amazon429}, vault 429 rate_limited {vault429}, other {other}; served beyond the burst {served:F3}/s vs rate {rate}; Amazon answered 429 to {attemptsThrottled} attempts, the vault's retries included"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"result: {calls} {ok} {amazon429} {vault429} {other} {served:F4}"));
        return 0;
    }

    /// <summary>How many calls to the operation the simulator has answered 429 so far (its call log: retries count too).</summary>
    private static async Task<int> ThrottledAttemptsAsync(HttpClient http, string simulator, string path)
    {
        var operationPath = path.Split('?')[0];
        using var log = await http.GetAsync($"{simulator}/_sim/calls");
        var calls = (await log.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("calls");
        return calls.EnumerateArray().Count(c => c.GetProperty("status").GetInt32() == 429
            && c.GetProperty("pathAndQuery").GetString()!.StartsWith(operationPath, StringComparison.Ordinal));
    }
}
