using Vault.Tests.Cli;
using Vault.Tests.Storage;

namespace Vault.Tests.Scale;

/// <summary>
/// README "Running with PostgreSQL": the owner migrates (`migrate` with VAULT_DATABASE_OWNER), the vault serves as a
/// role that may not create tables, and the serving role alone starts on a migrated database.
/// </summary>
[Trait("Category", "Slow")] // PostgreSQL and the CLI as a process
public sealed class MigrateCommandTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task TheOwnerMigratesAndTheServingRoleAloneThenFindsTheDatabaseUpToDate()
    {
        var database = await SharedDatabase.CreateAsync(server);
        var serving = new Dictionary<string, string> { ["VAULT_DATABASE"] = database.Serving };

        var refused = await CliRunner.RunAsync(serving, "migrate");
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("migrate: Could not migrate the PostgreSQL database", refused.Stderr.Trim(), StringComparison.Ordinal);
        Assert.Contains("VAULT_DATABASE_OWNER", refused.Stderr, StringComparison.Ordinal);

        var migrated = await CliRunner.RunAsync(new Dictionary<string, string>(serving) { ["VAULT_DATABASE_OWNER"] = database.Owner }, "migrate");
        Assert.True(migrated.ExitCode == 0, migrated.Stderr);
        Assert.Equal("", migrated.Stderr);
        Assert.Contains("is up to date", migrated.Stdout, StringComparison.Ordinal);

        var again = await CliRunner.RunAsync(serving, "migrate");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal("", again.Stderr);
    }

    [Fact]
    public async Task ServingAsTheOwnerMigratesButWarns()
    {
        var database = await SharedDatabase.CreateAsync(server);

        var run = await CliRunner.RunAsync(new Dictionary<string, string> { ["VAULT_DATABASE"] = database.Owner }, "migrate");

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.StartsWith("migrate: warning: The vault serves as PostgreSQL role 'vault_owner', which owns its tables", run.Stderr.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompactRewritesTheTableAsTheOwnerAndSaysSoWhenItCannot()
    {
        var database = await SharedDatabase.CreateAsync(server);
        var both = new Dictionary<string, string> { ["VAULT_DATABASE"] = database.Serving, ["VAULT_DATABASE_OWNER"] = database.Owner };
        Assert.Equal(0, (await CliRunner.RunAsync(both, "migrate")).ExitCode);
        var before = await server.ScalarAsync($"SELECT pg_relation_filenode('{database.Schema}.connections')::bigint;");

        var asOwner = await CliRunner.RunAsync(both, "compact");
        var asServingRole = await CliRunner.RunAsync(new Dictionary<string, string> { ["VAULT_DATABASE"] = database.Serving }, "compact");

        Assert.True(asOwner.ExitCode == 0, asOwner.Stderr);
        Assert.StartsWith("compact: deleted and replaced blobs are gone from the files of PostgreSQL database", asOwner.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(before, await server.ScalarAsync($"SELECT pg_relation_filenode('{database.Schema}.connections')::bigint;"));
        Assert.Equal(1, asServingRole.ExitCode);
        Assert.Contains("does not own it", asServingRole.Stderr, StringComparison.Ordinal);
        Assert.Contains("VAULT_DATABASE_OWNER", asServingRole.Stderr, StringComparison.Ordinal);
    }
}
