using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Npgsql;
using Vault.AmazonSimulator;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Tests.Acceptance;
using Vault.Tests.Simulator;
using Vault.Tests.Storage;
using Vault.Tests.Support;
using Xunit.Abstractions;

namespace Vault.Tests.Scale;

/// <summary>
/// Issue 8: two vault processes on one PostgreSQL database under mixed load (imports and proxied SP-API calls);
/// one is SIGKILLed mid-load. The clients balance over the instances still up, as a load balancer with health
/// checks would: a request that dies with the killed instance is sent once more to the other. Afterwards every
/// import either instance acknowledged is in the database and opens with its secret to the token that was sent,
/// and the surviving instance answered every request it got, never with a 5xx.
/// </summary>
[Trait("Category", "Slow")] // PostgreSQL and two vault processes, one killed
public sealed class InstanceKillTests(PostgresServer server, ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private const int Clients = 6;
    private static readonly TimeSpan BeforeKill = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan AfterKill = TimeSpan.FromSeconds(4);

    private sealed record Import(string Tenant, string Seller, string Secret, string Token);

    private sealed record Warm(string Tenant, string Seller, string Secret, string Jwt);

    private sealed class Tally
    {
        public readonly ConcurrentDictionary<(string Instance, int Status), int> Answers = new();
        public readonly ConcurrentBag<Import> Acknowledged = [];
        public int SentAgainAfterKill;
        public int SurvivorSuccessesAfterKill;

        public void Count(string instance, HttpStatusCode status) => Answers.AddOrUpdate((instance, (int)status), 1, (_, n) => n + 1);
    }

    [Fact]
    public async Task WhenOneInstanceIsKilledTheOtherKeepsServingAndNoAcknowledgedWriteIsLost()
    {
        // The clients call getOrders far beyond Amazon's rate on purpose; pacing (SharedPacingTests) would hold them back.
        await using var pair = await VaultPair.StartAsync(server, pacing: false);
        var (amazon, database, a, b) = (pair.Amazon, pair.Database, pair.A, pair.B);
        var instances = new[] { ("A", a), ("B", b) };

        // One tenant per client keeps each client under the per-tenant write limit; each has one seller to call through.
        var warm = new List<Warm>();
        for (var c = 0; c < Clients; c++)
        {
            var tenant = $"scale-{c}";
            var jwt = TestJwt.Hs256(VaultHarness.JwtSecret, tenant: tenant, expires: DateTime.UtcNow.AddHours(1));
            var secret = TestSecrets.Add("seller-secret", SellerSecret.Generate())!;
            var token = amazon.State.IssueRefreshToken(SimulatorOptions.DefaultSpApiClientId).RefreshToken;
            using var seeded = await VaultPair.SendAsAsync(jwt, instances[c % 2].Item2, HttpMethod.Put, $"/v1/sellers/warm-{c}/connections/sp-api", secret, new { region = "na", refreshToken = token });
            Assert.Equal(HttpStatusCode.Created, seeded.StatusCode);
            warm.Add(new Warm(tenant, $"warm-{c}", secret, jwt));
        }

        var tally = new Tally();
        var killed = 0;
        using var stop = new CancellationTokenSource();
        var clients = warm.Select((w, c) => Task.Run(() => ClientAsync(c, w, instances, () => Volatile.Read(ref killed) == 1, amazon, tally, stop.Token))).ToList();

        await Task.Delay(BeforeKill);
        var acknowledgedAtKill = tally.Acknowledged.Count;
        await a.KillAsync();
        Volatile.Write(ref killed, 1);
        await Task.Delay(AfterKill);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        using (var ready = await b.Http.GetAsync("/readyz"))
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var answers = string.Join(", ", tally.Answers.OrderBy(x => x.Key).Select(x => $"{x.Key.Instance} {x.Key.Status}: {x.Value}"));
        output.WriteLine($"answers: {answers}; imports acknowledged: {tally.Acknowledged.Count} ({acknowledgedAtKill} before the kill); " +
            $"sent again after the kill: {tally.SentAgainAfterKill}; survivor successes after the kill: {tally.SurvivorSuccessesAfterKill}");

        Assert.True(acknowledgedAtKill > 0, "no import was acknowledged before the kill: the test proved nothing");
        Assert.DoesNotContain(tally.Answers.Keys, k => k.Status >= 500);
        Assert.All(tally.Answers.Keys, k => Assert.Contains(k.Status, new[] { 200, 201, 429 }));
        Assert.True(tally.SurvivorSuccessesAfterKill >= 20, $"the surviving instance served only {tally.SurvivorSuccessesAfterKill} requests after the kill");
        await AssertAcknowledgedImportsOpenAsync(database, tally.Acknowledged.ToList());
    }

    /// <summary>Imports a new seller every third request, otherwise calls SP-API through the client's warm seller.</summary>
    private static async Task ClientAsync(int client, Warm warm, (string Name, VaultProcess Vault)[] instances, Func<bool> aIsDown, RunningSimulator amazon, Tally tally, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            Import? import = null;
            if (n % 3 == 0)
            {
                var token = amazon.State.IssueRefreshToken(SimulatorOptions.DefaultSpApiClientId).RefreshToken;
                import = new Import(warm.Tenant, $"seller-{client}-{n}", TestSecrets.Add("seller-secret", SellerSecret.Generate())!, token);
            }

            // Round robin over the instances up; once A is down the balancer sends everything to B.
            var first = aIsDown() ? 1 : n % 2;
            for (var target = first; target < instances.Length; target++)
            {
                var (name, vault) = instances[target];
                var downBefore = aIsDown();
                try
                {
                    using var response = import is null
                        ? await VaultPair.SendAsAsync(warm.Jwt, vault, HttpMethod.Get, $"/v1/sellers/{warm.Seller}/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER", warm.Secret)
                        : await VaultPair.SendAsAsync(warm.Jwt, vault, HttpMethod.Put, $"/v1/sellers/{import.Seller}/connections/sp-api", import.Secret, new { region = "na", refreshToken = import.Token });
                    tally.Count(name, response.StatusCode);
                    if (import is not null && response.IsSuccessStatusCode)
                        tally.Acknowledged.Add(import);
                    if (name == "B" && downBefore && response.IsSuccessStatusCode)
                        Interlocked.Increment(ref tally.SurvivorSuccessesAfterKill);
                    break;
                }
                catch (HttpRequestException) when (name == "A")
                {
                    // The instance died under this request: whatever it did or did not commit, the balancer tries B.
                    Interlocked.Increment(ref tally.SentAgainAfterKill);
                    if (!aIsDown())
                        await Task.Delay(20, CancellationToken.None);
                }
            }
        }
    }

    /// <summary>Read as the superuser (no row-level security), opened here: each acknowledged import holds the token it was sent.</summary>
    private async Task AssertAcknowledgedImportsOpenAsync(SharedDatabase database, List<Import> acknowledged)
    {
        var rows = new Dictionary<(string, string), (string Format, byte[] Blob)>();
        await using (var connection = new NpgsqlConnection(server.ConnectionString() + ";Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT tenant, seller_id, format, blob FROM {database.Schema}.connections WHERE api = 'sp-api';", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rows[(reader.GetString(0), reader.GetString(1))] = (reader.GetString(2), reader.GetFieldValue<byte[]>(3));
        }

        var opened = Stopwatch.StartNew();
        Parallel.ForEach(acknowledged, new ParallelOptions { MaxDegreeOfParallelism = 2 }, import =>
        {
            Assert.True(rows.TryGetValue((import.Tenant, import.Seller), out var row), $"acknowledged import {import.Tenant}/{import.Seller} is missing");
            using var secret = SellerSecret.Parse(import.Secret);
            var result = TokenEnvelope.Open(row.Format, row.Blob, secret, new TokenBinding(import.Tenant, import.Seller, "sp-api"));
            Assert.True(result.Succeeded, $"acknowledged import {import.Tenant}/{import.Seller} does not open: {result.Failure}");
            Assert.Equal(import.Token, result.Token!.Value);
        });
        output.WriteLine($"{acknowledged.Count} acknowledged imports opened in {opened.Elapsed.TotalSeconds:F1} s");
    }
}
