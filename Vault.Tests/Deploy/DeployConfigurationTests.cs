using System.Text.Json;

namespace Vault.Tests.Deploy;

/// <summary>
/// fly.toml, litestream.yml, the Dockerfile and deploy/*.sh describe one deployment: the same port, the same
/// volume, the same database file, the same Litestream version. The image cannot be built here (no Docker
/// engine), so these agreements are what is checked instead.
/// </summary>
[Trait("Category", "Slow")] // reads the deploy files with python3 and litestream
public sealed class DeployConfigurationTests
{
    private const string DataDirectory = "/data";
    private const string Database = "/data/vault.db";

    [Fact]
    public async Task ThePortIsTheSameInFlyTomlTheDockerfileAndBothAspNetCoreUrls()
    {
        var fly = await DeployFiles.ReadFlyTomlAsync();
        var image = DeployFiles.ReadDockerfile().Final;
        var internalPort = fly.GetProperty("http_service").GetProperty("internal_port").GetInt32();

        Assert.Equal(8080, internalPort);
        Assert.Equal([internalPort], image.ExposedPorts());
        Assert.Equal(internalPort, DeployFiles.PortOf(image.Pairs("ENV")["ASPNETCORE_URLS"]));
        Assert.Equal(internalPort, DeployFiles.PortOf(fly.GetProperty("env").GetProperty("ASPNETCORE_URLS").GetString()!));
        // Listening on loopback only would make the machine unreachable from Fly's proxy.
        Assert.StartsWith("http://0.0.0.0:", image.Pairs("ENV")["ASPNETCORE_URLS"], StringComparison.Ordinal);
        Assert.StartsWith("http://0.0.0.0:", fly.GetProperty("env").GetProperty("ASPNETCORE_URLS").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheVolumeTheDatabaseAndLitestreamAllPointAtData()
    {
        var fly = await DeployFiles.ReadFlyTomlAsync();
        var litestream = await DeployFiles.ReadLitestreamYamlAsync();
        var image = DeployFiles.ReadDockerfile().Final;

        var mounts = fly.GetProperty("mounts");
        Assert.Equal(DataDirectory, mounts.GetProperty("destination").GetString());
        Assert.Equal([DataDirectory], image.Volumes());
        Assert.Equal(Database, image.Pairs("ENV")["VAULT_DATABASE"]);
        Assert.Equal(Database, fly.GetProperty("env").GetProperty("VAULT_DATABASE").GetString());
        var databases = litestream.GetProperty("dbs");
        Assert.Equal(1, databases.GetArrayLength());
        Assert.Equal(Database, databases[0].GetProperty("path").GetString());
        Assert.Equal(DataDirectory, Path.GetDirectoryName(Database));
        // start.sh falls back to the same file when VAULT_DATABASE is unset; entrypoint.sh hands that volume to `app`.
        Assert.Contains("${VAULT_DATABASE:-" + Database + "}", File.ReadAllText(DeployFiles.PathOf("deploy", "start.sh")), StringComparison.Ordinal);
        Assert.Contains("chown -R app:app " + DataDirectory + "\n", File.ReadAllText(DeployFiles.PathOf("deploy", "entrypoint.sh")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlyKeepsExactlyOneVaultRunningBehindHttps()
    {
        var fly = await DeployFiles.ReadFlyTomlAsync();
        var service = fly.GetProperty("http_service");

        Assert.True(service.GetProperty("force_https").GetBoolean());
        var autoStop = service.GetProperty("auto_stop_machines");
        Assert.True(autoStop.ValueKind == JsonValueKind.False || autoStop.GetString() == "off", $"auto_stop_machines must be off, is {autoStop}");
        Assert.Equal(1, service.GetProperty("min_machines_running").GetInt32());
        Assert.Equal("vault_data", fly.GetProperty("mounts").GetProperty("source").GetString());
        Assert.False(string.IsNullOrWhiteSpace(fly.GetProperty("app").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(fly.GetProperty("primary_region").GetString()));
        Assert.StartsWith("https://", fly.GetProperty("env").GetProperty("PUBLIC_BASE_URL").GetString(), StringComparison.Ordinal);
        // The reason for one machine is written down where someone would raise the count.
        var text = await File.ReadAllTextAsync(DeployFiles.PathOf("fly.toml"));
        Assert.Contains("one writer", text, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FlyChecksLivenessAndReadinessOverHttp()
    {
        var checks = await FlyCheckPathsAsync();

        Assert.Equal(["/healthz", "/readyz"], checks.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FlyTomlHoldsNoSecret()
    {
        var env = (await DeployFiles.ReadFlyTomlAsync()).GetProperty("env");
        var secrets = new[] { "COOKIE_ENCRYPTION_KEY", "JWT_SECRET", "SPAPI_LWA_CLIENT_SECRET", "ADS_LWA_CLIENT_SECRET", "LITESTREAM_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY" };

        Assert.DoesNotContain(env.EnumerateObject(), p => secrets.Contains(p.Name));
    }

    [Fact]
    public async Task LitestreamReplicatesToOneS3ReplicaConfiguredFromTheEnvironment()
    {
        var replicas = (await DeployFiles.ReadLitestreamYamlAsync()).GetProperty("dbs")[0].GetProperty("replicas");
        Assert.Equal(1, replicas.GetArrayLength());
        var replica = replicas[0];

        Assert.Equal("s3", replica.GetProperty("type").GetString());
        Assert.Equal("${LITESTREAM_BUCKET}", replica.GetProperty("bucket").GetString());
        Assert.Equal("${LITESTREAM_PATH}", replica.GetProperty("path").GetString());
        Assert.Equal("${LITESTREAM_ENDPOINT}", replica.GetProperty("endpoint").GetString());
        Assert.Equal("${LITESTREAM_REGION}", replica.GetProperty("region").GetString());
        // Keys come from the environment only; a key in this file would be baked into the image.
        Assert.False(replica.TryGetProperty("access-key-id", out _));
        Assert.False(replica.TryGetProperty("secret-access-key", out _));
        foreach (var setting in new[] { "sync-interval", "snapshot-interval", "retention", "retention-check-interval" })
            Assert.Matches("^[0-9]+(s|m|h)$", replica.GetProperty(setting).GetString());
        Assert.Equal("1s", replica.GetProperty("sync-interval").GetString());
    }

    [Fact]
    public async Task TheShippedLitestreamYmlLoadsInTheLitestreamTheImageShips()
    {
        var version = await DeployProcess.RunAsync(DeployTools.Litestream, ["version"]);
        var image = DeployFiles.ReadDockerfile();
        var litestreamStage = Assert.Single(image.Stages, s => s.Name == "litestream");

        Assert.Equal("v" + litestreamStage.Pairs("ARG")["LITESTREAM_VERSION"], version.Output.Trim());
        Assert.Matches("^[0-9a-f]{64}$", litestreamStage.Pairs("ARG")["LITESTREAM_SHA256"]);
        Assert.Contains(litestreamStage.All("RUN"), run => run.Contains("sha256sum -c", StringComparison.Ordinal));

        // Litestream itself reads the file: 0.3's `replicas:` list, the ${VAR} expansion, every duration.
        var environment = new Dictionary<string, string>
        {
            ["LITESTREAM_BUCKET"] = "vault-replica",
            ["LITESTREAM_PATH"] = "vault",
            ["LITESTREAM_ENDPOINT"] = "https://fly.storage.tigris.dev",
            ["LITESTREAM_REGION"] = "auto",
        };
        var databases = await DeployProcess.RunAsync(DeployTools.Litestream, ["databases", "-config", DeployFiles.PathOf("litestream.yml")], environment);
        Assert.True(databases.ExitCode == 0, databases.Output);
        Assert.Matches(@"(?m)^/data/vault\.db\s+s3\s*$", databases.Output);

        // And without a bucket it refuses to run, which is why start.sh checks LITESTREAM_BUCKET first.
        var unconfigured = await DeployProcess.RunAsync(DeployTools.Litestream, ["databases", "-config", DeployFiles.PathOf("litestream.yml")]);
        Assert.NotEqual(0, unconfigured.ExitCode);
    }

    [Fact]
    public void TheImageIsTheOfficialAspNetRuntimeWithTheAppLitestreamAndTheStartScripts()
    {
        var image = DeployFiles.ReadDockerfile();

        Assert.All(image.Stages.SkipLast(1), s => Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", s.Image, StringComparison.Ordinal));
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", image.Final.Image, StringComparison.Ordinal);
        Assert.Contains(image.Stages, s => s.All("RUN").Any(r => r.Contains("dotnet publish Vault.Api -c Release", StringComparison.Ordinal)));
        var copies = image.Final.All("COPY").ToList();
        Assert.Contains("--from=build /app /app", copies);
        Assert.Contains("--from=litestream /usr/local/bin/litestream /usr/local/bin/litestream", copies);
        Assert.Contains("litestream.yml /etc/litestream.yml", copies);
        Assert.Contains("deploy/entrypoint.sh deploy/start.sh /app/deploy/", copies);
        Assert.Equal(["/app/deploy/entrypoint.sh"], image.Final.Entrypoint());
        // start.sh's defaults are the image's layout.
        var start = File.ReadAllText(DeployFiles.PathOf("deploy", "start.sh"));
        Assert.Contains("${LITESTREAM_CONFIG:-/etc/litestream.yml}", start, StringComparison.Ordinal);
        Assert.Contains("${VAULT_APP:-/app/Vault.Api.dll}", start, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheStartScriptsAreExecutableAndParse()
    {
        foreach (var script in new[] { "entrypoint.sh", "start.sh" })
        {
            var path = DeployFiles.PathOf("deploy", script);
            Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute), $"{script} must be executable (the image runs it directly)");
            var syntax = await DeployProcess.RunAsync("/bin/sh", ["-n", path]);
            Assert.True(syntax.ExitCode == 0, $"{script}: {syntax.Output}");
        }
    }

    internal static async Task<List<string>> FlyCheckPathsAsync()
    {
        var checks = (await DeployFiles.ReadFlyTomlAsync()).GetProperty("http_service").GetProperty("checks");
        var paths = new List<string>();
        foreach (var check in checks.EnumerateArray())
        {
            Assert.Equal("GET", check.GetProperty("method").GetString(), StringComparer.OrdinalIgnoreCase);
            paths.Add(check.GetProperty("path").GetString()!);
        }
        return paths;
    }
}
