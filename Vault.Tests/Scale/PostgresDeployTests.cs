using System.Net;
using Vault.Tests.Deploy;
using Vault.Tests.Storage;

namespace Vault.Tests.Scale;

/// <summary>
/// The PostgreSQL deployment (deploy/fly.postgres.toml): the image's start script serves without Litestream, runs
/// the release command `migrate` once, and the Fly file keeps several machines behind the same checks as fly.toml.
/// </summary>
[Trait("Category", "Slow")] // PostgreSQL and the start script
public sealed class PostgresDeployTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task FlyRunsSeveralMachinesWithoutAVolumeAndMigratesBeforeEachDeploy()
    {
        var postgres = await DeployFiles.ReadTomlAsync(DeployFiles.PathOf("deploy", "fly.postgres.toml"));
        var sqlite = await DeployFiles.ReadFlyTomlAsync();

        Assert.False(postgres.TryGetProperty("mounts", out _), "no volume: the database is PostgreSQL");
        Assert.Equal("migrate", postgres.GetProperty("deploy").GetProperty("release_command").GetString());
        Assert.Equal("rolling", postgres.GetProperty("deploy").GetProperty("strategy").GetString());
        var service = postgres.GetProperty("http_service");
        Assert.True(service.GetProperty("min_machines_running").GetInt32() >= 2);
        Assert.Equal(sqlite.GetProperty("http_service").GetProperty("internal_port").GetInt32(), service.GetProperty("internal_port").GetInt32());
        Assert.Equal(
            sqlite.GetProperty("http_service").GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("path").GetString()),
            service.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("path").GetString()));
        // Connection strings hold passwords: secrets, never [env]; and no [env] value may point the vault back at SQLite.
        var env = postgres.GetProperty("env").EnumerateObject().Select(p => p.Name).ToList();
        Assert.DoesNotContain("VAULT_DATABASE", env);
        Assert.DoesNotContain("VAULT_DATABASE_OWNER", env);
        Assert.False(postgres.TryGetProperty("build", out _), "flyctl versions resolve a relative dockerfile differently: build the root's Dockerfile by default");
    }

    [Fact]
    public async Task TheStartScriptServesPostgresWithoutLitestreamAndRunsACommandOnce()
    {
        var database = await SharedDatabase.CreateAsync(server);
        var directory = DeployTools.NewTempDirectory();
        try
        {
            var environment = ContainerRun.VaultEnvironment(database.Serving, Path.Combine(directory, "no-such-litestream.yml"), DeployTools.FreePort());
            environment["VAULT_DATABASE_OWNER"] = database.Owner;
            environment["LITESTREAM_BUCKET"] = "would-fail-if-litestream-ran";

            // The release command: fly runs it through the image's entrypoint, which hands its arguments to start.sh.
            var migrate = await DeployProcess.RunAsync("/bin/sh", [DeployFiles.PathOf("deploy", "start.sh"), "migrate"], environment, TimeSpan.FromSeconds(60));
            Assert.True(migrate.ExitCode == 0, migrate.Output);
            Assert.Contains("is up to date", migrate.Output, StringComparison.Ordinal);

            await using var run = await ContainerRun.StartAsync(environment);
            Assert.Equal("dotnet", run.Command());
            Assert.Contains("LITESTREAM_BUCKET is ignored", run.Output.Tail(), StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = run.BaseAddress };
            using var ready = await http.GetAsync(new Uri("readyz", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.False(File.Exists(database.Serving), "nothing was created at the connection string as a path");
        }
        finally
        {
            DeployTools.DeleteQuietly(directory);
        }
    }
}
