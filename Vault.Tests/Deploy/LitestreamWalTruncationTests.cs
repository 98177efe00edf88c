using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Vault.Storage;
using Vault.Storage.Sqlite;
using Xunit.Abstractions;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Deploy;

/// <summary>
/// The store's best-effort <c>wal_checkpoint(TRUNCATE)</c> after a delete, next to a real Litestream 0.3.13 replicating
/// the same file to a local S3 (moto), with the shipped litestream.yml. Litestream holds a read transaction all the
/// time, so the truncation cannot finish; what is measured is that it gives up quickly, that replication is not
/// disturbed (one generation, the replica restores without the deleted row), and when the deleted bytes do leave
/// the files (after Litestream's own checkpoint).
/// </summary>
[Trait("Category", "Slow")] // Litestream, moto and a vault process
public sealed class LitestreamWalTruncationTests(ITestOutputHelper log)
{
    private const int Run = 16;

    [Fact]
    public async Task UnderLitestreamTheTruncationGivesUpQuicklyAndReplicationGoesOn()
    {
        var directory = DeployTools.NewTempDirectory();
        try
        {
            await using var s3 = await MotoS3.StartAsync();
            var database = Path.Combine(directory, "data", "vault.db");
            var config = Path.Combine(directory, "litestream.yml");
            File.WriteAllText(config, File.ReadAllText(DeployFiles.PathOf("litestream.yml")).Replace("- path: /data/vault.db", $"- path: {database}", StringComparison.Ordinal));
            var environment = s3.ReplicaEnvironment();

            await using var store = new SqliteVaultStore(database);
            await store.MigrateAsync();
            for (var i = 0; i < 20; i++)
                await store.UpsertConnectionAsync(Connection(seller: $"S{i:D2}", blob: RandomNumberGenerator.GetBytes(300)), Audit(seller: $"S{i:D2}"));

            using var litestream = Process.Start(DeployProcess.StartInfo(DeployTools.Litestream, ["replicate", "-config", config], environment))!;
            var output = new ProcessOutput();
            output.Attach(litestream);
            try
            {
                await WaitForReplicaAsync(directory, config, database, environment, "S19");
                var doomed = RandomNumberGenerator.GetBytes(300);
                await store.UpsertConnectionAsync(Connection(seller: "DOOMED", blob: doomed.ToArray()), Audit(seller: "DOOMED"));
                await WaitForReplicaAsync(directory, config, database, environment, "DOOMED");
                Assert.NotEmpty(RunsLeft(database, doomed));

                var timing = Stopwatch.StartNew();
                await store.DeleteConnectionsAsync("tenant-a", "DOOMED", null, Audit(seller: "DOOMED", action: "seller.deleted"));
                var deleteTook = timing.Elapsed;
                var leftAtOnce = RunsLeft(database, doomed);
                log.WriteLine($"delete under Litestream took {deleteTook.TotalMilliseconds:F0} ms; right after it, runs of the old blob in: {Describe(leftAtOnce)}");
                Assert.True(deleteTook < TimeSpan.FromSeconds(1), $"the delete waited {deleteTook.TotalMilliseconds:F0} ms");
                // Litestream's read transaction keeps the truncation from finishing: the old page image stays in the WAL.
                Assert.Contains("vault.db-wal", leftAtOnce);

                // Litestream checkpoints (PASSIVE) once a minute by default: then the database file holds only the wiped page.
                var watch = Stopwatch.StartNew();
                while (RunsLeft(database, doomed).Contains("vault.db") || !CheckpointedSince(output, timing))
                {
                    Assert.True(watch.Elapsed < TimeSpan.FromSeconds(90), $"no Litestream checkpoint took the old blob out of vault.db in 90 s:\n{output.Tail()}");
                    await Task.Delay(250);
                }
                var left = RunsLeft(database, doomed);
                log.WriteLine($"after Litestream's checkpoint ({watch.Elapsed.TotalSeconds:F1} s after the delete), runs of the old blob in: {Describe(left)}; " +
                              $"WAL {new FileInfo(database + "-wal").Length:N0} bytes");
                Assert.DoesNotContain("vault.db", left);

                var generations = await DeployProcess.RunAsync(DeployTools.Litestream, ["generations", "-config", config, database], environment);
                log.WriteLine(generations.Output);
                var probe = Path.Combine(directory, "after-delete.db");
                var restore = await DeployProcess.RunAsync(DeployTools.Litestream, ["restore", "-config", config, "-o", probe, database], environment);
                Assert.True(restore.ExitCode == 0, restore.Output);
                var sellers = Sellers(probe);
                Assert.Contains("S19", sellers);
                Assert.DoesNotContain("DOOMED", sellers);
                Assert.Single(generations.Output.Split('\n'), l => l.StartsWith("s3 ", StringComparison.Ordinal));
                Assert.DoesNotContain(output.Lines, l => l.Text.Contains("error", StringComparison.OrdinalIgnoreCase));
            }
            finally
            {
                if (!litestream.HasExited)
                {
                    litestream.Kill(entireProcessTree: true);
                    await litestream.WaitForExitAsync();
                }
            }
        }
        finally
        {
            SqliteDatabase.ClearPool(Path.Combine(directory, "data", "vault.db"));
            DeployTools.DeleteQuietly(directory);
        }
    }

    /// <summary>Litestream restarted the WAL after <paramref name="since"/> began: it logs a segment at a new index, offset 0.</summary>
    private static bool CheckpointedSince(ProcessOutput output, Stopwatch since) =>
        output.Lines.Any(l => l.At >= DateTimeOffset.UtcNow - since.Elapsed && l.Text.Contains("msg=\"wal segment written\"", StringComparison.Ordinal)
                              && System.Text.RegularExpressions.Regex.IsMatch(l.Text, @"position=[0-9a-f]+/0*[1-9][0-9]*:0 "));

    private static string Describe(HashSet<string> files) => files.Count == 0 ? "neither file" : string.Join(" and ", files.Order(StringComparer.Ordinal));

    /// <summary>The files (of the database and its -wal) that hold any 16-byte run of <paramref name="blob"/>, read raw.</summary>
    private static HashSet<string> RunsLeft(string database, byte[] blob)
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in new[] { database, database + "-wal" })
        {
            if (!File.Exists(path))
                continue;
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            for (var i = 0; i + Run <= blob.Length; i++)
            {
                if (bytes.AsSpan().IndexOf(blob.AsSpan(i, Run)) >= 0)
                {
                    files.Add(Path.GetFileName(path));
                    break;
                }
            }
        }
        return files;
    }

    private static async Task WaitForReplicaAsync(string directory, string config, string database, IReadOnlyDictionary<string, string> environment, string seller)
    {
        var deadline = Stopwatch.StartNew();
        for (var attempt = 0; ; attempt++)
        {
            var probe = Path.Combine(directory, $"probe-{seller}-{attempt}.db");
            var restore = await DeployProcess.RunAsync(DeployTools.Litestream, ["restore", "-config", config, "-o", probe, database], environment);
            if (restore.ExitCode == 0 && Sellers(probe).Contains(seller))
                return;
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"the replica did not hold {seller} within 30 s:\n{restore.Output}");
            await Task.Delay(250);
        }
    }

    private static HashSet<string> Sellers(string database)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seller_id FROM connections";
        using var reader = command.ExecuteReader();
        var sellers = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
            sellers.Add(reader.GetString(0));
        return sellers;
    }
}
