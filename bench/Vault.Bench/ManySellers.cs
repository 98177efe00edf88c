using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;

namespace Vault.Bench;

/// <summary>
/// Many warm sellers at once (issue 18). <c>warm</c>: first calls for the first <c>count</c> seeded sellers (one key
/// derivation and one LWA mint each), so each is warm, then two wrk scripts with the same number of prepared requests:
/// one spread over those sellers, one on the single warm seller, so wrk does the same work for both. <c>memory</c>:
/// the vault's RSS growth for <c>count</c> warm connections (tokens cached), against the same process after the same
/// number of requests on one seller, with a tenth of them warm and with all warm, each read after a full GC the benchmark
/// induces in the vault; the slope between the last two is the figure.
/// </summary>
internal static class ManySellers
{
    public static async Task<int> WarmAsync(BenchState state, int count, int concurrency, string spreadScript, string oneScript)
    {
        var sellers = state.Cold.Take(count).ToArray();
        if (sellers.Length < count)
            throw new InvalidOperationException($"warm: {count} sellers asked, {sellers.Length} seeded");
        using var client = ConstantRate.Client();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var statuses = await CallAllAsync(client, state, sellers, concurrency);
        Console.WriteLine($"  warmed {count} sellers ({concurrency} at a time) in {watch.Elapsed.TotalSeconds:F1} s: {Statuses(statuses)}");
        if (statuses.Any(s => s.Key is < 200 or >= 300))
            throw new InvalidOperationException("warm: some first calls failed");
        File.WriteAllText(spreadScript, WrkScript(state, sellers));
        File.WriteAllText(oneScript, WrkScript(state, Enumerable.Repeat(state.Warm, count).ToArray()));
        return 0;
    }

    public static async Task<int> MemoryAsync(BenchState state, int pid, int count, int concurrency)
    {
        var sellers = state.Cold.Take(count).ToArray();
        if (sellers.Length < count)
            throw new InvalidOperationException($"memory: {count} sellers asked, {sellers.Length} seeded");
        using var client = ConstantRate.Client();

        // Three points, each after a full GC: as many calls on one warm seller; a tenth of the sellers warm (the cold
        // path's one-time costs, JIT, threads, native arenas, are paid by then); all of them warm. The slope between the
        // last two is what each warm seller keeps.
        var reference = await CallAllAsync(client, state, Enumerable.Repeat(state.Warm, count).ToArray(), concurrency);
        var one = await SettledRssAsync(pid, state.Vault, client);
        Console.WriteLine($"  {count} calls on one warm seller ({Statuses(reference)}); after a full GC: {Describe(one)}");
        var tenth = Math.Max(1, count / 10);
        var failed = await WarmAsync(client, state, sellers[..tenth], concurrency);
        var some = await SettledRssAsync(pid, state.Vault, client);
        Console.WriteLine($"  {tenth} sellers warm (first call, then a cached call each); after a full GC: {Describe(some)}");
        failed += await WarmAsync(client, state, sellers[tenth..], concurrency);
        var all = await SettledRssAsync(pid, state.Vault, client);
        Console.WriteLine($"  {count} sellers warm; after a full GC: {Describe(all)}");

        var perSellerKiB = (all.Total - some.Total) / (double)(count - tenth);
        var scaledMiB = perSellerKiB * 10_000 / 1024;
        Console.WriteLine($"  one-time cost of the cold path (first {tenth} sellers over one seller): {(some.Total - one.Total) / 1024.0:F1} MiB; "
            + $"then {perSellerKiB:F2} KiB per warm seller (anonymous {(all.Anon - some.Anon) / (double)(count - tenth):F2} KiB)");
        // What the slope is made of: the live managed heap, what the GC keeps committed beyond it, and the rest (native).
        double PerSeller(long after, long before) => (after - before) / 1024.0 / (count - tenth);
        Console.WriteLine($"  per warm seller: live GC heap {PerSeller(all.GcHeap - all.GcFragmentation, some.GcHeap - some.GcFragmentation):F2} KiB, GC committed {PerSeller(all.GcCommitted, some.GcCommitted):F2} KiB "
            + $"(fragmentation {PerSeller(all.GcFragmentation, some.GcFragmentation):F2}), outside the GC (RSS - GC committed) "
            + $"{PerSeller(all.Total * 1024 - all.GcCommitted, some.Total * 1024 - some.GcCommitted):F2} KiB");
        Program.Figure($"RSS per warm connection (slope over {count - tenth} sellers)", $"{perSellerKiB:F2} KiB", "<= 2 KiB", perSellerKiB <= 2 && failed == 0);
        Program.Figure("RSS growth for 10,000 warm connections (slope x 10,000)", $"{scaledMiB:F1} MiB", "<= 20 MiB", scaledMiB <= 20 && failed == 0);
        return 0;
    }

    /// <summary>A first call for each seller (derive and mint), then a second one (a cache hit); returns the failures.</summary>
    private static async Task<int> WarmAsync(HttpClient client, BenchState state, SeededSeller[] sellers, int concurrency)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var first = await CallAllAsync(client, state, sellers, concurrency);
        var again = await CallAllAsync(client, state, sellers, concurrency);
        Console.WriteLine($"  first calls for {sellers.Length} sellers and a second each in {watch.Elapsed.TotalSeconds:F1} s: {Statuses(first)} / {Statuses(again)}");
        return first.Concat(again).Where(s => s.Key is < 200 or >= 300).Sum(s => s.Value);
    }

    private static async Task<ConcurrentDictionary<int, int>> CallAllAsync(HttpClient client, BenchState state, SeededSeller[] sellers, int concurrency)
    {
        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(sellers, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (seller, ct) =>
        {
            for (var attempt = 0; ; attempt++)
            {
                using var request = state.VaultRequest(seller);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                // 503 busy: the KDF queue is full; wait as told, as a WMS would.
                if ((int)response.StatusCode == 503 && attempt < 20)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
                    continue;
                }
                statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                return;
            }
        });
        return statuses;
    }

    /// <summary>
    /// RSS in KiB (/proc/pid/status); the GC's own figures of its last collection in bytes (the runtime's meter on /metrics): the
    /// heap's size (its free space, fragmentation, included) and the memory it keeps committed.
    /// </summary>
    private sealed record Rss(long Total, long Anon, long File, long GcHeap, long GcCommitted, long GcFragmentation);

    private static string Describe(Rss rss) => $"RSS {rss.Total / 1024.0:F1} MiB (anonymous {rss.Anon / 1024.0:F1}, file {rss.File / 1024.0:F1}); "
        + $"GC heap {(rss.GcHeap - rss.GcFragmentation) / 1048576.0:F1} MiB live + {rss.GcFragmentation / 1048576.0:F1} free, {rss.GcCommitted / 1048576.0:F1} committed";

    /// <summary>The sum over a metric's series (generations) on the vault's /metrics page, 0 when it is not there.</summary>
    private static long MetricSum(string page, string name) =>
        (long)page.Split('\n').Where(line => line.StartsWith(name, StringComparison.Ordinal) && (line.Length == name.Length || line[name.Length] is ' ' or '{'))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    /// <summary>A full blocking GC in the vault (an EventPipe session with the GCHeapCollect keyword, as dotnet-gcdump does), then RSS.</summary>
    private static async Task<Rss> SettledRssAsync(int pid, string vault, HttpClient http)
    {
        const long gcHeapCollect = 0x800000;
        var client = new DiagnosticsClient(pid);
        using (var session = client.StartEventPipeSession(new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, gcHeapCollect), requestRundown: false))
        {
            var drain = session.EventStream.CopyToAsync(Stream.Null);
            await Task.Delay(TimeSpan.FromSeconds(2));
            await session.StopAsync(CancellationToken.None);
            await drain;
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
        var metrics = await http.GetStringAsync($"{vault}/metrics");
        return new Rss(ColdBenchmarks.ProcStatusKiB(pid, "VmRSS"), ColdBenchmarks.ProcStatusKiB(pid, "RssAnon"), ColdBenchmarks.ProcStatusKiB(pid, "RssFile"),
            MetricSum(metrics, "dotnet_gc_last_collection_heap_size_bytes"), MetricSum(metrics, "dotnet_gc_last_collection_memory_committed_size_bytes"),
            MetricSum(metrics, "dotnet_gc_last_collection_heap_fragmentation_size_bytes"));
    }

    /// <summary>A wrk script that cycles through prepared requests (formatted once per thread, in init).</summary>
    private static string WrkScript(BenchState state, SeededSeller[] sellers)
    {
        var lua = new StringBuilder();
        lua.AppendLine("local specs = {");
        foreach (var seller in sellers)
            lua.AppendLine(CultureInfo.InvariantCulture, $"  {{ \"/v1/sellers/{seller.SellerId}/sp-api{BenchState.WarmPath}\", \"Bearer {state.Jwts[seller.Tenant]}\", \"{seller.Secret}\" }},");
        lua.AppendLine("""
            }
            local requests = {}
            local i = 0
            function init(args)
              for n, s in ipairs(specs) do
                requests[n] = wrk.format("GET", s[1], { ["Authorization"] = s[2], ["x-amazon-token-secret"] = s[3] })
              end
              i = math.random(#requests) - 1
            end
            function request()
              i = i % #requests + 1
              return requests[i]
            end
            """);
        return lua.ToString();
    }

    private static string Statuses(ConcurrentDictionary<int, int> statuses) =>
        string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
}
