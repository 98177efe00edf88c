using System.Net;
using Microsoft.Data.Sqlite;
using Vault.AmazonSimulator;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Crypto.Kdf;
using Vault.Storage;
using Vault.Storage.Sqlite;
using Vault.Tests.Cli;
using Vault.Tests.Sellers;
using Vault.Tests.Simulator;
using Vault.Tests.Storage;
using Vault.Tests.Support;

namespace Vault.Tests.Scale;

/// <summary>
/// README "Moving to PostgreSQL": `copy-database --from vault.db` moves a SQLite vault's connections and audit trail
/// into PostgreSQL, and every seller's secret opens its tokens there through the vault as before.
/// </summary>
[Trait("Category", "Slow")] // PostgreSQL and the CLI as a process
public sealed class CopyDatabaseTests(PostgresServer server) : IClassFixture<PostgresServer>, IDisposable
{
    private const string Password = "Copy-Pw-Never-Shown";
    private readonly string _directory = Directory.CreateTempSubdirectory("vault-copy-").FullName;

    private string SqlitePath => Path.Combine(_directory, "vault.db");

    public void Dispose()
    {
        SqliteDatabase.ClearPool(SqlitePath);
        Directory.Delete(_directory, recursive: true);
    }

    private sealed record Seeded(string Tenant, string Seller, string Api, string Secret);

    [Fact]
    public async Task EverySellersSecretOpensItsTokensThroughTheVaultAfterTheCopy()
    {
        var database = await SharedDatabase.CreateAsync(server);
        await using var vault = await VaultHarness.StartAsync(database.Configure); // migrates the PostgreSQL schema
        var seeded = await WriteSqliteVaultAsync(vault.Simulator);
        var environment = new Dictionary<string, string>
        {
            ["VAULT_DATABASE"] = database.Serving + ";Password=" + Password,
            ["VAULT_DATABASE_OWNER"] = database.Owner + ";Password=" + Password,
        };

        var run = await CliRunner.RunAsync(environment, "copy-database", "--from", SqlitePath);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("copy-database: 3 connection(s) and 4 audit event(s) of 2 tenant(s) copied into PostgreSQL database", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        foreach (var s in seeded)
        {
            using var verified = await vault.VerifyAsync(s.Seller, s.Api, s.Secret, vault.Jwt(tenant: s.Tenant));
            Assert.True(verified.StatusCode == HttpStatusCode.OK, $"{s.Tenant}/{s.Seller}/{s.Api}: {(int)verified.StatusCode} {await verified.Content.ReadAsStringAsync()}");
        }

        var audit = (await vault.Store.QueryAuditAsync("wms-1", null, null, 50, null)).Items;
        var original = Assert.Single(audit, e => e.Action == "secret.rotated");
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero), original.At);
        Assert.Equal(2, audit.Count(e => e.Action == StoreCopy.CopiedAction && e.Actor == "operator:copy-database"));

        // A second run would duplicate the audit trail: it is refused and writes nothing.
        var again = await CliRunner.RunAsync(environment, "copy-database", "--from", SqlitePath);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already holds data of tenant", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(audit.Count, (await vault.Store.QueryAuditAsync("wms-1", null, null, 50, null)).Items.Count);
    }

    [Fact]
    public async Task BadSourcesAndTargetsAreOneLineAndWriteNothing()
    {
        var database = await SharedDatabase.CreateAsync(server);
        var postgres = new Dictionary<string, string> { ["VAULT_DATABASE"] = database.Serving, ["VAULT_DATABASE_OWNER"] = database.Owner };
        var notAVault = Path.Combine(_directory, "notes.db");
        await File.WriteAllTextAsync(notAVault, "not a database");

        var missing = await CliRunner.RunAsync(postgres, "copy-database", "--from", Path.Combine(_directory, "absent.db"));
        var garbage = await CliRunner.RunAsync(postgres, "copy-database", "--from", notAVault);
        var intoSqlite = await CliRunner.RunAsync(new Dictionary<string, string> { ["VAULT_DATABASE"] = Path.Combine(_directory, "other.db") }, "copy-database", "--from", notAVault);

        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("copy-database: There is no SQLite database at", missing.Stderr.Trim(), StringComparison.Ordinal);
        Assert.Equal(1, garbage.ExitCode);
        Assert.StartsWith("copy-database:", garbage.Stderr.Trim(), StringComparison.Ordinal);
        Assert.Equal(2, intoSqlite.ExitCode);
        Assert.StartsWith("copy-database: VAULT_DATABASE must be the PostgreSQL connection string", intoSqlite.Stderr.Trim(), StringComparison.Ordinal);
        Assert.All(new[] { missing, garbage, intoSqlite }, r => Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal));
        Assert.Equal(true, await server.ScalarAsync($"SELECT to_regclass('{database.Schema}.connections') IS NULL;"));
    }

    /// <summary>A SQLite vault as the SQLite store writes it: three connections in two tenants, sealed under their sellers' secrets, and their audit trail.</summary>
    private async Task<List<Seeded>> WriteSqliteVaultAsync(RunningSimulator amazon)
    {
        var seeded = new List<Seeded>
        {
            new("wms-1", "A1SELLER", "sp-api", SellerSecret.Generate()),
            new("wms-1", "A1SELLER", "ads", SellerSecret.Generate()),
            new("wms-2", "B2SELLER", "sp-api", SellerSecret.Generate()),
        };
        seeded[1] = seeded[1] with { Secret = seeded[0].Secret }; // one seller, one secret for all its connections
        await using var store = new SqliteVaultStore(SqlitePath);
        await store.MigrateAsync();
        var at = new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero);
        foreach (var s in seeded)
        {
            var clientId = s.Api == "ads" ? SimulatorOptions.DefaultAdsClientId : SimulatorOptions.DefaultSpApiClientId;
            var (token, spid) = amazon.State.IssueRefreshToken(clientId);
            using var secret = SellerSecret.Parse(s.Secret);
            var blob = TokenEnvelope.Seal(token, secret, new TokenBinding(s.Tenant, s.Seller, s.Api), ScryptParameters.Default);
            var connection = new Connection(s.Tenant, s.Seller, s.Api, "na", spid, ConnectionStatus.Active, TokenFormats.V1, blob, at, at, null);
            await store.UpsertConnectionAsync(connection, new AuditEvent(s.Tenant, "connection.imported", "wms-test", s.Seller, s.Api, "na") { At = at });
        }

        await store.AppendAuditAsync(new AuditEvent("wms-1", "secret.rotated", "wms-test", "A1SELLER") { At = new DateTimeOffset(2026, 5, 1, 12, 0, 0, TimeSpan.Zero) });
        return seeded;
    }
}
