using Vault.Tests.Cli;
using Vault.Tests.Storage;

namespace Vault.Tests.Scale;

/// <summary>
/// README "Running with PostgreSQL": the owner migrates (`migrate` with VAULT_DATABASE_OWNER), the vault serves as a
/// role that may not create tables, and the serving role alone starts on a migrated database.
/// </summary>
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
}
