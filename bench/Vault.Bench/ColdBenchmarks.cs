using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Vault.Bench;

/// <summary>
/// Cold paths, run against a freshly started vault (empty access-token cache): <c>cold</c>, first calls for distinct
/// sellers (one key derivation and one LWA mint each) against the bound cores / scrypt time, with scrypt timed in
/// this same run; and <c>flood</c>, many concurrent first calls, checking every answer and the vault's peak RSS.
/// </summary>
internal static class ColdBenchmarks
{
    public static async Task<int> ColdAsync(BenchState state, int from, int count, int concurrency)
    {
        var sellers = state.Cold.Skip(from).Take(count).ToArray();
        var before = KdfBenchmark.VaultScryptMs(rounds: 3, iterations: 10);
        using var client = ConstantRate.Client();

        // One first call outside the measured set: the freshly started vault JITs its mint path here.
        using (var warmup = await client.SendAsync(state.VaultRequest(state.Warm)))
            if (!warmup.IsSuccessStatusCode)
                throw new InvalidOperationException($"warm-up call: {(int)warmup.StatusCode}");

        var statuses = new ConcurrentDictionary<int, int>();
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(sellers, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (seller, ct) =>
        {
            using var request = state.VaultRequest(seller);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
        });
        var elapsed = watch.Elapsed.TotalSeconds;

        var after = KdfBenchmark.VaultScryptMs(rounds: 3, iterations: 10);
        var parallel = KdfBenchmark.VaultScryptParallelPerSecond(iterationsPerThread: 10);
        var scryptMs = (before + after) / 2;
        var bound = Environment.ProcessorCount / (scryptMs / 1000);
        var ok = statuses.Where(s => s.Key is >= 200 and < 300).Sum(s => s.Value);
        var throughput = ok / elapsed;
        var ratio = throughput / bound;
        Console.WriteLine($"  {sellers.Length} distinct sellers, {concurrency} at a time: {elapsed:F2} s, answers {Statuses(statuses)}");
        Console.WriteLine($"  scrypt on one thread (this run, before/after) {before:F2} / {after:F2} ms; bound = {Environment.ProcessorCount} cores / {scryptMs:F2} ms = {bound:F1} /s");
        Console.WriteLine($"  scrypt with {Environment.ProcessorCount} threads at once (no HTTP, no LWA): {parallel:F1} /s = {parallel / bound:F3} of the bound");
        Console.WriteLine($"  cold first calls: {throughput:F1} /s");
        Program.Figure("cold first calls (derive + LWA mint) / (cores / scrypt time)", $"{ratio:F3}", ">= 0.8", ratio >= 0.8 && ok == sellers.Length);
        var ofThreads = throughput / parallel;
        Program.Figure($"cold first calls / {Environment.ProcessorCount} bare scrypt threads", $"{ofThreads:F3} ({throughput:F1} vs {parallel:F1} /s)", ">= 0.95", ofThreads >= 0.95 && ok == sellers.Length);
        return 0;
    }

    public static async Task<int> FloodAsync(BenchState state, int count, int pid)
    {
        var sellers = state.Cold.Take(count).ToArray();
        if (sellers.Length < count)
            throw new InvalidOperationException($"flood: {count} sellers asked, {sellers.Length} seeded");
        using var client = ConstantRate.Client();
        var peakRss = 0L;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, ProcStatusKiB(pid, "VmRSS"));
                await Task.Delay(20, CancellationToken.None);
            }
        });

        var statuses = new ConcurrentDictionary<string, int>();
        var gate = new TaskCompletionSource();
        var watch = Stopwatch.StartNew();
        var calls = sellers.Select(async seller =>
        {
            await gate.Task;
            string outcome;
            try
            {
                using var request = state.VaultRequest(seller);
                using var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                outcome = status.ToString(CultureInfo.InvariantCulture);
                if (status == 503)
                {
                    var body = await response.Content.ReadAsStringAsync();
                    outcome += JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var code) ? " " + code.GetString() : " (no code)";
                }
            }
            catch (HttpRequestException e)
            {
                outcome = "connection error: " + e.HttpRequestError;
            }
            statuses.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        }).ToArray();
        gate.SetResult();
        await Task.WhenAll(calls);
        var elapsed = watch.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;

        var hwm = ProcStatusKiB(pid, "VmHWM");
        var databaseHandles = OpenFiles(pid).Count(f => f.EndsWith(".db", StringComparison.Ordinal));
        var threads = ProcStatusKiB(pid, "Threads");
        var allowed = statuses.Where(s => s.Key.StartsWith('2') || s.Key == "503 busy").Sum(s => s.Value);
        Console.WriteLine($"  {count} concurrent first calls for distinct sellers in {elapsed:F2} s: {string.Join(", ", statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}: {s.Value}"))}");
        Console.WriteLine($"  vault RSS: highest sampled {peakRss / 1024.0:F1} MiB, VmHWM {hwm / 1024.0:F1} MiB; afterwards {ProcStatusKiB(pid, "VmRSS") / 1024.0:F1} MiB "
            + $"(anonymous {ProcStatusKiB(pid, "RssAnon") / 1024.0:F1}, file {ProcStatusKiB(pid, "RssFile") / 1024.0:F1}, shmem {ProcStatusKiB(pid, "RssShmem") / 1024.0:F1}), "
            + $"{databaseHandles} open handles on the database file (one per pooled SQLite connection), {threads} threads");
        Program.Figure($"{count} concurrent cold requests: vault peak RSS (VmHWM)", $"{hwm / 1024.0:F1} MiB", "<= 200 MiB", hwm <= 200 * 1024);
        Program.Figure($"{count} concurrent cold requests: answers 2xx or 503 busy", $"{allowed}/{count}", $"{count}/{count}", allowed == count);
        return 0;
    }

    /// <summary>
    /// <c>startup</c>: starts the vault (inheriting this environment) several times, measures process start to the
    /// first /readyz 200, then its RSS after some idle seconds, and stops it.
    /// </summary>
    public static async Task<int> StartupAsync(string dll, string url, int runs, double idleSeconds, double bareIdleMiB)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var starts = new List<double>();
        var rss = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var info = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true };
            var watch = Stopwatch.StartNew();
            using var vault = Process.Start(info)!;
            vault.OutputDataReceived += (_, _) => { };
            vault.ErrorDataReceived += (_, _) => { };
            vault.BeginOutputReadLine();
            vault.BeginErrorReadLine();
            try
            {
                while (true)
                {
                    if (vault.HasExited)
                        throw new InvalidOperationException($"the vault exited with {vault.ExitCode} before it was ready");
                    if (watch.Elapsed > TimeSpan.FromSeconds(30))
                        throw new InvalidOperationException("the vault was not ready within 30 s");
                    try
                    {
                        using var response = await client.GetAsync($"{url}/readyz");
                        if (response.IsSuccessStatusCode)
                            break;
                    }
                    catch (HttpRequestException)
                    {
                    }
                    catch (TaskCanceledException)
                    {
                        // a /readyz that took longer than the client's timeout (a loaded machine): ask again
                    }
                    await Task.Delay(5);
                }
                starts.Add(watch.Elapsed.TotalMilliseconds);
                await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
                rss.Add(ProcStatusKiB(vault.Id, "VmRSS") / 1024.0);
                Console.WriteLine($"  start {run + 1}: ready in {starts[^1]:F0} ms, RSS after {idleSeconds:F0} s idle {rss[^1]:F1} MiB");
            }
            finally
            {
                vault.Kill();
                await vault.WaitForExitAsync();
            }
        }
        var start = starts.Order().ElementAt(starts.Count / 2);
        var idle = rss.Order().ElementAt(rss.Count / 2);
        Program.Figure("start to /readyz 200 (median of starts)", $"{start:F0} ms", "<= 500 ms", start <= 500);
        Program.Figure("idle RSS (median of starts)", $"{idle:F1} MiB", "<= 80 MiB", idle <= 80);
        if (bareIdleMiB > 0)
            Program.Figure("idle RSS, vault / bare forwarder", $"{idle / bareIdleMiB:F3} ({idle:F1} / {bareIdleMiB:F1} MiB)", "<= 1.15", idle / bareIdleMiB <= 1.15);
        return 0;
    }

    private static string Statuses(ConcurrentDictionary<int, int> statuses) =>
        string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));

    private static IEnumerable<string> OpenFiles(int pid)
    {
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
        {
            string? target = null;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
            }
            if (target is not null)
                yield return target;
        }
    }

    /// <summary>A "VmRSS:  123 kB"-style line of /proc/{pid}/status, in KiB.</summary>
    public static long ProcStatusKiB(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return 0;
    }
}
