using System.Collections.Concurrent;
using System.Text;

namespace Vault.Tests.Support;

/// <summary>
/// The run-wide leak registry (RELIABILITY.md "Leaks"). When <c>VAULT_TEST_LOG_DIR</c> is set, every secret,
/// refresh token, access token, RDT, authorization code and JWT a test uses is recorded here (Seed, TestJwt,
/// VaultHarness's client and the simulator's issued tokens feed it), and everything the vaults say is captured
/// beside it: log lines, problem bodies, /metrics and the audit table. A second test pass
/// (<c>Category=LeakScan</c>, run by test.sh) reads both and asserts that no value appears in any capture.
/// Without the variable nothing is recorded or written.
/// </summary>
public static class TestSecrets
{
    public const string DirectoryVariable = "VAULT_TEST_LOG_DIR";

    /// <summary>Shorter values (e.g. deliberately malformed secrets) would match by chance; none of the real kinds is this short.</summary>
    public const int MinLength = 16;

    public const string SecretsFolder = "secrets", LogsFolder = "logs", ProblemsFolder = "problems", MetricsFolder = "metrics", AuditFolder = "audit",
        ErrorsFolder = "capture-errors", WebhooksFolder = "webhooks";

    private static readonly ConcurrentDictionary<string, byte> Known = new(StringComparer.Ordinal);
    private static readonly Lock FileGate = new();
    private static readonly string Process = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static int _sequence;

    /// <summary>Where this run's registry and captures go; null when leak capture is off.</summary>
    public static string? Directory { get; } = Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } dir ? Path.GetFullPath(dir) : null;

    public static bool Enabled => Directory is not null;

    /// <summary>Records a value that must never appear in any output; returns it, so call sites stay one expression.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public static string? Add(string kind, string? value)
    {
        if (Directory is null || value is null || value.Length < MinLength || !Known.TryAdd(value, 0))
            return value;
        // Base64 per line: values under test may hold tabs, newlines or any other character.
        Append(SecretsFolder, $"{Process}.tsv", $"{kind}\t{Convert.ToBase64String(Encoding.UTF8.GetBytes(value))}\n");
        return value;
    }

    /// <summary>A fresh file name for one captured log (one per vault started).</summary>
    public static string NewCaptureName(string prefix) => $"{Process}-{prefix}-{Interlocked.Increment(ref _sequence)}.log";

    /// <summary>Appends text to a capture file; capture problems are recorded, never thrown into the test that caused them.</summary>
    public static void Append(string folder, string file, string text)
    {
        if (Directory is null)
            return;
        try
        {
            var path = Path.Combine(Directory, folder, file);
            lock (FileGate)
            {
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.AppendAllText(path, text);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RecordError(e);
        }
    }

    /// <summary>Replaces a capture file (e.g. the latest /metrics text, which is cumulative for the process).</summary>
    public static void Write(string folder, string file, string text)
    {
        if (Directory is null)
            return;
        try
        {
            var path = Path.Combine(Directory, folder, file);
            lock (FileGate)
            {
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RecordError(e);
        }
    }

    /// <summary>A capture step failed; the scan pass fails on these so a broken capture cannot pass as "no leaks".</summary>
    public static void RecordError(Exception e)
    {
        if (Directory is null)
            return;
        try
        {
            lock (FileGate)
            {
                System.IO.Directory.CreateDirectory(Path.Combine(Directory, ErrorsFolder));
                File.AppendAllText(Path.Combine(Directory, ErrorsFolder, $"{Process}.txt"), e.GetType().Name + ": " + e.Message + "\n");
            }
        }
        catch (IOException)
        {
            // Nothing sensible is left to do.
        }
    }

    /// <summary>The registry as written by every test process of the run: (kind, value).</summary>
    public static IReadOnlyList<(string Kind, string Value)> ReadRegistry(string directory)
    {
        var folder = Path.Combine(directory, SecretsFolder);
        if (!System.IO.Directory.Exists(folder))
            return [];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(folder))
        {
            foreach (var line in File.ReadLines(file))
            {
                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                if (tab > 0)
                    values.TryAdd(Encoding.UTF8.GetString(Convert.FromBase64String(line[(tab + 1)..])), line[..tab]);
            }
        }
        return [.. values.Select(v => (v.Value, v.Key))];
    }
}
