using System.Diagnostics;
using Vault.Tests.Support;
using Xunit.Abstractions;

namespace Vault.Tests.Acceptance;

/// <summary>
/// The second pass of test.sh (<c>--filter Category=LeakScan</c>): the registry of every secret the first pass used
/// (TestSecrets) against everything its vaults said: log lines, error bodies, /metrics, audit rows and webhook requests
/// (every header and body a test receiver got). Zero hits.
/// Without <c>VAULT_TEST_LOG_DIR</c>, or with nothing captured under it, the test fails: a scan of nothing proves
/// nothing. Run it through ./test.sh (a plain <c>dotnet test</c> still checks the same property on one full flow in
/// <see cref="LeakTests"/>).
/// </summary>
[Trait("Category", "LeakScan")]
public sealed class LeakScanTests(ITestOutputHelper output)
{
    [Fact]
    public void NoSecretUsedInTheRunAppearsInAnyLogProblemBodyMetricAuditRowOrWebhook()
    {
        var directory = TestSecrets.Directory;
        Assert.True(directory is not null,
            $"{TestSecrets.DirectoryVariable} is not set: there is no captured run to scan. Run ./test.sh (it sets the variable and runs this pass second).");
        Assert.True(Directory.Exists(Path.Combine(directory, TestSecrets.SecretsFolder)),
            $"nothing was captured under {directory}: run ./test.sh, whose first pass records the run this pass scans.");
        var watch = Stopwatch.StartNew();
        var registry = TestSecrets.ReadRegistry(directory);
        var scanner = new LeakScanner(registry);
        var sources = new Dictionary<string, (int Files, long Chars)>();
        var hits = new List<LeakScanner.Hit>();
        foreach (var folder in (string[])[TestSecrets.LogsFolder, TestSecrets.ProblemsFolder, TestSecrets.MetricsFolder, TestSecrets.AuditFolder, TestSecrets.WebhooksFolder])
        {
            var path = Path.Combine(directory, folder);
            var files = Directory.Exists(path) ? Directory.GetFiles(path) : [];
            long chars = 0;
            foreach (var file in files)
            {
                var text = File.ReadAllText(file);
                chars += text.Length;
                hits.AddRange(scanner.Scan($"{folder}/{Path.GetFileName(file)}", text));
            }
            sources[folder] = (files.Length, chars);
        }
        var errors = Path.Combine(directory, TestSecrets.ErrorsFolder);
        var captureErrors = Directory.Exists(errors) ? Directory.GetFiles(errors).SelectMany(File.ReadAllLines).ToList() : [];

        output.WriteLine($"values searched: {scanner.Count} ({string.Join(", ", registry.GroupBy(r => r.Kind).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"))})");
        foreach (var (folder, (files, chars)) in sources)
            output.WriteLine($"{folder}: {files} file(s), {chars:N0} characters");
        output.WriteLine($"hits: {hits.Count}; scan took {watch.Elapsed.TotalSeconds:F1} s");
        File.WriteAllText(Path.Combine(directory, "leak-scan-summary.txt"),
            $"values {scanner.Count}; " + string.Join("; ", sources.Select(s => $"{s.Key} {s.Value.Files} files {s.Value.Chars} chars")) + $"; hits {hits.Count}\n");

        Assert.Empty(captureErrors);
        // A capture that saw nothing would pass vacuously: the first pass must have fed every source.
        Assert.True(scanner.Count > 100, $"only {scanner.Count} values registered");
        foreach (var kind in (string[])["jwt", "seller-secret", "refresh-token", "access-token", "rdt", "authorization-code"])
            Assert.True(registry.Any(r => r.Kind == kind), $"no {kind} was registered");
        foreach (var (folder, (files, chars)) in sources)
            Assert.True(files > 0 && chars > 0, $"nothing captured under {folder}/");
        Assert.True(hits.Count == 0, $"{hits.Count} leak(s):\n" + string.Join("\n", hits.Take(20).Select(h => $"{h.Kind} ({h.Part}) in {h.Source} at {h.Offset}: {h.Context}")));
    }
}
