using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Tests.Support;
using Xunit.Abstractions;

namespace Vault.Tests.Deploy;

/// <summary>
/// The production start path end to end: deploy/start.sh runs the built vault under a real Litestream 0.3.13
/// (`replicate -exec`) replicating to a local S3 (moto). The vault takes writes, the machine is lost (SIGKILL,
/// database deleted), and the next start restores from the replica.
/// </summary>
[Trait("Category", "Slow")] // Litestream, moto and vault processes
public sealed class LitestreamReplicationTests(ITestOutputHelper log)
{
    private const string Tenant = "default";

    private sealed record Written(string SellerId, string Secret, string Token, DateTimeOffset AckedAt);

    [Fact]
    public async Task EveryTokenAcknowledgedBeforeTheLastSyncOpensAfterTheVolumeIsLostAndRestored()
    {
        var directory = DeployTools.NewTempDirectory();
        try
        {
            await using var s3 = await MotoS3.StartAsync();
            var database = Path.Combine(directory, "data", "vault.db");
            var config = WriteLitestreamConfig(directory, database);
            var environment = Environment(database, config, s3);
            var synced = new List<Written>();
            var unsynced = new List<Written>();

            await using (var first = await ContainerRun.StartAsync(environment))
            {
                Assert.Equal("litestream", first.Command());
                Assert.Contains(first.Output.Lines, l => l.Text.Contains("no matching backups found", StringComparison.Ordinal));
                using var http = new HttpClient { BaseAddress = first.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

                for (var i = 0; i < 20; i++)
                    synced.Add(await ImportAsync(http, $"A1SYNCED{i:D2}"));
                var lag = await WaitUntilTheReplicaHoldsAsync(directory, config, database, environment, synced);
                log.WriteLine($"replication lag (last acknowledged write -> restorable from S3): {lag.TotalMilliseconds:F0} ms");

                // Writes right before the loss: Litestream has had no sync interval to ship them.
                for (var i = 0; i < 5; i++)
                    unsynced.Add(await ImportAsync(http, $"A1LATE{i:D2}"));
                await first.KillAsync();
            }

            foreach (var file in new[] { database, database + "-wal", database + "-shm" })
                File.Delete(file);

            environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{DeployTools.FreePort()}";
            await using (var second = await ContainerRun.StartAsync(environment))
            {
                Assert.Contains(second.Output.Lines, l => l.Text.Contains("renaming database from temporary location", StringComparison.Ordinal));
                Assert.Equal("litestream", second.Command());
                await second.StopAsync();
                Assert.True(second.ExitCode == 0, $"a SIGTERM stop should be clean, exit {second.ExitCode}:\n{second.Output.Tail()}");
            }

            var restored = ReadConnections(database);
            foreach (var token in synced)
            {
                Assert.True(restored.ContainsKey(token.SellerId), $"{token.SellerId} was in the replica before the loss but is missing after the restore");
                AssertOpens(restored[token.SellerId], token);
            }
            // A late write may or may not have made a sync before the kill; if it is there it must be whole.
            var lateSurvivors = unsynced.Where(t => restored.ContainsKey(t.SellerId)).ToList();
            foreach (var token in lateSurvivors)
                AssertOpens(restored[token.SellerId], token);
            Assert.Equal(synced.Count + lateSurvivors.Count, restored.Count);
            log.WriteLine($"restored {restored.Count} connections: {synced.Count} synced, {lateSurvivors.Count} of {unsynced.Count} written in the last moments before the kill");
        }
        finally
        {
            DeployTools.DeleteQuietly(directory);
        }
    }

    [Fact]
    public async Task AStopBySigtermShipsTheLastWritesBeforeLitestreamExits()
    {
        var directory = DeployTools.NewTempDirectory();
        try
        {
            await using var s3 = await MotoS3.StartAsync();
            var database = Path.Combine(directory, "data", "vault.db");
            var config = WriteLitestreamConfig(directory, database);
            var environment = Environment(database, config, s3);
            var written = new List<Written>();

            await using (var run = await ContainerRun.StartAsync(environment))
            {
                using var http = new HttpClient { BaseAddress = run.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
                // Once Litestream has shipped a first write it is replicating; on a loaded machine its start-up can
                // otherwise outlast the whole test, and a SIGTERM before that finds no replica at all.
                written.Add(await ImportAsync(http, "A1DEPLOYFIRST"));
                await WaitUntilTheReplicaHoldsAsync(directory, config, database, environment, written);
                for (var i = 0; i < 5; i++)
                    written.Add(await ImportAsync(http, $"A1DEPLOY{i:D2}"));
                // What a deploy or `fly machine stop` does, with no pause for a sync interval.
                await run.StopAsync();
                Assert.True(run.ExitCode == 0, $"a SIGTERM stop should be clean, exit {run.ExitCode}:\n{run.Output.Tail()}");
            }

            var probe = Path.Combine(directory, "after-stop.db");
            var restore = await DeployProcess.RunAsync(DeployTools.Litestream, ["restore", "-config", config, "-o", probe, database], environment);
            Assert.True(restore.ExitCode == 0, restore.Output);
            var restored = ReadConnections(probe);
            foreach (var token in written)
            {
                Assert.True(restored.ContainsKey(token.SellerId), $"{token.SellerId}, acknowledged before the SIGTERM, is not in the replica");
                AssertOpens(restored[token.SellerId], token);
            }
        }
        finally
        {
            DeployTools.DeleteQuietly(directory);
        }
    }

    [Fact]
    public async Task WithoutAReplicaBucketTheVaultRunsAloneAndSaysSoOnce()
    {
        var directory = DeployTools.NewTempDirectory();
        try
        {
            var database = Path.Combine(directory, "data", "vault.db");
            var environment = ContainerRun.VaultEnvironment(database, Path.Combine(directory, "no-such-litestream.yml"), DeployTools.FreePort());
            await using var run = await ContainerRun.StartAsync(environment);

            // start.sh exec'd the vault itself: no Litestream in between.
            Assert.Equal("dotnet", run.Command());
            using var http = new HttpClient { BaseAddress = run.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            var written = await ImportAsync(http, "A1ALONE");
            await run.StopAsync();
            Assert.True(run.ExitCode == 0, $"a SIGTERM stop should be clean, exit {run.ExitCode}:\n{run.Output.Tail()}");

            var notices = run.Output.Lines.Where(l => l.Text.Contains("LITESTREAM_BUCKET is not set", StringComparison.Ordinal)).ToList();
            Assert.Single(notices);
            Assert.True(notices[0].IsError, "the notice belongs on stderr");
            AssertOpens(ReadConnections(database)[written.SellerId], written);
        }
        finally
        {
            DeployTools.DeleteQuietly(directory);
        }
    }

    /// <summary>
    /// litestream.yml exactly as shipped, with only its database path moved from /data into the test's folder;
    /// the replica settings and their ${VAR} expansion are what production runs.
    /// </summary>
    private static string WriteLitestreamConfig(string directory, string database)
    {
        var shipped = File.ReadAllText(DeployFiles.PathOf("litestream.yml"));
        const string productionPath = "- path: /data/vault.db";
        Assert.Equal(1, shipped.Split(productionPath).Length - 1);
        var config = Path.Combine(directory, "litestream.yml");
        File.WriteAllText(config, shipped.Replace(productionPath, $"- path: {database}", StringComparison.Ordinal));
        return config;
    }

    private static Dictionary<string, string> Environment(string database, string config, MotoS3 s3)
    {
        var environment = ContainerRun.VaultEnvironment(database, config, DeployTools.FreePort());
        foreach (var (key, value) in s3.ReplicaEnvironment())
            environment[key] = value;
        return environment;
    }

    private static async Task<Written> ImportAsync(HttpClient http, string sellerId)
    {
        var secret = SellerSecret.Generate();
        var token = "Atzr|" + Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        using var request = new HttpRequestMessage(HttpMethod.Put, $"v1/sellers/{sellerId}/connections/sp-api")
        {
            Content = JsonContent.Create(new { region = "na", refreshToken = token }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestJwt.Hs256(VaultHarness.JwtSecret, "connections:write"));
        request.Headers.Add("x-amazon-token-secret", secret);
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"import of {sellerId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return new Written(sellerId, secret, token, DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Restores the replica to a side file (the vault keeps running) until every given token is in it; returns the
    /// time from the last acknowledgement to the first restore that held them all (an upper bound of the lag).
    /// </summary>
    private static async Task<TimeSpan> WaitUntilTheReplicaHoldsAsync(string directory, string config, string database,
        IReadOnlyDictionary<string, string> environment, IReadOnlyList<Written> written)
    {
        var lastAck = written.Max(w => w.AckedAt);
        var deadline = Stopwatch.StartNew();
        for (var attempt = 0; ; attempt++)
        {
            var probe = Path.Combine(directory, $"probe-{attempt}.db");
            var restore = await DeployProcess.RunAsync(DeployTools.Litestream, ["restore", "-config", config, "-o", probe, database], environment);
            if (restore.ExitCode == 0)
            {
                var held = ReadConnections(probe);
                if (written.All(w => held.ContainsKey(w.SellerId)))
                    return DateTimeOffset.UtcNow - lastAck;
            }
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), $"the replica did not hold all {written.Count} writes within 20 s:\n{restore.Output}");
            await Task.Delay(250);
        }
    }

    private static Dictionary<string, (string Format, byte[] Blob)> ReadConnections(string database)
    {
        var rows = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal);
        if (!File.Exists(database))
            return rows;
        var connectionString = new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seller_id, format, blob FROM connections WHERE tenant = $tenant AND api = 'sp-api'";
        command.Parameters.AddWithValue("$tenant", Tenant);
        using var reader = command.ExecuteReader();
        while (reader.Read())
            rows[reader.GetString(0)] = (reader.GetString(1), (byte[])reader["blob"]);
        return rows;
    }

    private static void AssertOpens((string Format, byte[] Blob) row, Written written)
    {
        using var secret = SellerSecret.Parse(written.Secret);
        var opened = TokenEnvelope.Open(row.Format, row.Blob, secret, new TokenBinding(Tenant, written.SellerId, "sp-api"));
        Assert.True(opened.Succeeded, $"{written.SellerId} does not open with its secret: {opened.Failure}");
        Assert.Equal(written.Token, opened.Token!.Value);
    }
}
