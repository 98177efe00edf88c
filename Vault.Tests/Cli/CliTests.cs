using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Storage.Sqlite;
using Vault.Tests.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.Cli;

[Trait("Category", "Slow")] // runs the CLI as a process
public sealed class CliTests : IDisposable
{
    private const string JwtSecret = "cli-test-jwt-secret-at-least-32-bytes!!";
    private readonly string _directory = Directory.CreateTempSubdirectory("vault-cli-").FullName;

    private string Database => Path.Combine(_directory, "vault.db");

    private Dictionary<string, string> Env(params (string Key, string Value)[] extra)
    {
        var env = new Dictionary<string, string> { ["VAULT_DATABASE"] = Database, ["JWT_SECRET"] = JwtSecret };
        foreach (var (key, value) in extra)
            env[key] = value;
        return env;
    }

    [Fact]
    public async Task SecretNewPrintsAFreshValidSecret()
    {
        var a = await CliRunner.RunAsync(Env(), "secret", "new");
        var b = await CliRunner.RunAsync(Env(), "secret", "new");

        Assert.Equal(0, a.ExitCode);
        Assert.True(SellerSecret.TryParse(a.Stdout.Trim(), out _, out _));
        Assert.NotEqual(a.Stdout, b.Stdout);
    }

    [Fact]
    public async Task TokenMintPrintsAJwtTheVaultAccepts()
    {
        var run = await CliRunner.RunAsync(Env(), "token", "mint", "--scope", "connections:read amazon:call", "--tenant", "acme", "--subject", "wms-1", "--minutes", "5");

        Assert.Equal(0, run.ExitCode);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(run.Stdout.Trim(), new TokenValidationParameters
        {
            ValidateIssuer = false,
            ValidateAudience = false,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(JwtSecret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        Assert.True(result.IsValid);
        Assert.Equal("connections:read amazon:call", result.Claims["scope"]);
        Assert.Equal("acme", result.Claims["tenant"]);
        Assert.Equal("wms-1", result.Claims["sub"]);
        var lifetime = ((JsonWebToken)result.SecurityToken).ValidTo - DateTime.UtcNow;
        Assert.InRange(lifetime.TotalMinutes, 4, 5.1);
    }

    [Fact]
    public async Task TokenMintReadsTheJwtSettingsAsTheServerDoes()
    {
        // The server trims every setting: a secret or issuer pasted with stray whitespace must still make tokens it accepts.
        var run = await CliRunner.RunAsync(
            Env(("JWT_SECRET", $" {JwtSecret}\n"), ("JWT_ISSUER", " https://wms.example.com/ "), ("JWT_AUDIENCE", "token-vault ")),
            "token", "mint", "--scope", "connections:read");

        Assert.Equal(0, run.ExitCode);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(run.Stdout.Trim(), new TokenValidationParameters
        {
            ValidIssuer = "https://wms.example.com/",
            ValidAudience = "token-vault",
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(JwtSecret)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        });
        Assert.True(result.IsValid, result.Exception?.Message);
    }

    [Theory]
    [InlineData(null, "connections:read", "default", "60", "JWT_SECRET must be set")]
    [InlineData("short", "connections:read", "default", "60", "JWT_SECRET must be set to at least 32 bytes")]
    [InlineData(JwtSecret, "connections:read admin", "default", "60", "--scope must be one or more of")]
    [InlineData(JwtSecret, "connections:read", "a/b", "60", "--tenant must be")]
    [InlineData(JwtSecret, "connections:read", "default", "0", "--minutes must be between 1 and 1440")]
    [InlineData(JwtSecret, "connections:read", "default", "1441", "--minutes must be between 1 and 1440")]
    public async Task TokenMintRefusesBadInputWithOneClearLine(string? secret, string scope, string tenant, string minutes, string expected)
    {
        var env = Env();
        env.Remove("JWT_SECRET");
        if (secret is not null)
            env["JWT_SECRET"] = secret;

        var run = await CliRunner.RunAsync(env, "token", "mint", "--scope", scope, "--tenant", tenant, "--minutes", minutes);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.Stderr, StringComparison.Ordinal);
        Assert.Equal("", run.Stdout.Trim());
    }

    [Fact]
    public async Task TokenMintRefusesWhenAnIdentityProviderIsConfigured()
    {
        var run = await CliRunner.RunAsync(Env(("JWKS_ENDPOINT", "https://idp.example.com/jwks.json")), "token", "mint", "--scope", "connections:read");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("JWKS_ENDPOINT is set", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingOptionsAndUnknownCommandsFailWithoutServing()
    {
        var missing = await CliRunner.RunAsync(Env(), "token", "mint");
        var typo = await CliRunner.RunAsync(Env(), "migrat");

        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("--scope", missing.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, typo.ExitCode);
        Assert.False(File.Exists(Database));
    }

    [Fact]
    public async Task MigrateCreatesTheDatabaseAndIsIdempotent()
    {
        var first = await CliRunner.RunAsync(Env(), "migrate");
        var second = await CliRunner.RunAsync(Env(), "migrate");

        Assert.Equal((0, 0), (first.ExitCode, second.ExitCode));
        Assert.True(File.Exists(Database));
        Assert.Contains("up to date", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompactCheckpointsAnExistingDatabaseAndCreatesNone()
    {
        Assert.Equal(0, (await CliRunner.RunAsync(Env(), "migrate")).ExitCode);

        var compacted = await CliRunner.RunAsync(Env(), "compact");
        var missing = await CliRunner.RunAsync(Env(("VAULT_DATABASE", Path.Combine(_directory, "absent.db"))), "compact");

        Assert.True(compacted.ExitCode == 0, compacted.Stderr);
        Assert.Contains("deleted and replaced blobs are gone from the files of", compacted.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(Database + "-wal") is { Exists: true } wal ? wal.Length : 0);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("compact: there is no database at", missing.Stderr.Trim(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "absent.db")));
    }

    [Fact]
    public async Task MigrateReportsAnUnwritablePath()
    {
        var run = await CliRunner.RunAsync(Env(("VAULT_DATABASE", "/proc/vault/vault.db")), "migrate");

        Assert.NotEqual(0, run.ExitCode);
        Assert.StartsWith("migrate:", run.Stderr.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal); // no stack trace
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Database=vault;Username=vault;Password=Pw-Never-Printed-1")]
    [InlineData("postgresql://vault:Pw-Never-Printed-1@127.0.0.1:1/vault")]
    [InlineData("Host=127.0.0.1;Password=Pw-Never-Printed-1;Bogus Key=1")]
    public async Task MigrateNeverPrintsAPostgresPassword(string connectionString)
    {
        var run = await CliRunner.RunAsync(Env(("VAULT_DATABASE", connectionString)), "migrate");

        Assert.NotEqual(0, run.ExitCode);
        Assert.StartsWith("migrate:", run.Stderr.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("Pw-Never-Printed-1", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckConfigSaysOkOrNamesEveryProblem()
    {
        var good = Env(
            ("COOKIE_ENCRYPTION_KEY", new string('k', 64)), ("ALLOWED_REDIRECT_ORIGINS", "https://wms.example.com"),
            ("SPAPI_APP_ID", "amzn1.sp.solution.x"), ("SPAPI_LWA_CLIENT_ID", "id"), ("SPAPI_LWA_CLIENT_SECRET", "secret"));
        var ok = await CliRunner.RunAsync(good, "check-config");
        good["COOKIE_ENCRYPTION_KEY"] = "short";
        good["ALLOWED_REDIRECT_ORIGINS"] = "wms.example.com";
        var bad = await CliRunner.RunAsync(good, "check-config");

        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("config: ok", ok.Stdout.Trim());
        Assert.Equal(2, bad.ExitCode);
        var lines = bad.Stderr.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Contains(lines, l => l.Contains("COOKIE_ENCRYPTION_KEY must be exactly 64 characters (it has 5)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("ALLOWED_REDIRECT_ORIGINS entry 'wms.example.com'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ImportDataBorderImportsNodeMadeRecordsThatOpenWithTheirSecrets()
    {
        var secrets = new List<string>();
        var lines = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var secret = SellerSecret.Generate();
            secrets.Add(secret);
            var blob = await NodeDataBorder.EncryptAsync($"Atzr|migrated-{i}", secret);
            lines.Add(JsonSerializer.Serialize(new { sellerId = $"seller-{i}", api = i == 2 ? "ads" : "sp-api", region = "eu", dataBorderBlob = blob }));
        }
        var file = Path.Combine(_directory, "export.jsonl");
        await File.WriteAllLinesAsync(file, lines);

        var run = await CliRunner.RunAsync(Env(), "import-databorder", "--file", file);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("3 imported, 0 kept as they were, 0 failed", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("[##############################] 3/3", run.Stdout, StringComparison.Ordinal);
        var rows = ReadConnections();
        Assert.Equal(3, rows.Count);
        for (var i = 0; i < 3; i++)
        {
            var (format, blob) = rows[$"seller-{i}"];
            using var secret = SellerSecret.Parse(secrets[i]);
            Assert.Equal(TokenFormats.DataBorder, format);
            Assert.Equal($"Atzr|migrated-{i}", TokenEnvelope.Open(format, blob, secret, new("default", $"seller-{i}", i == 2 ? "ads" : "sp-api")).Token?.Value);
        }
    }

    [Fact]
    public async Task ImportDataBorderWritesNothingWhenAnyLineIsBad()
    {
        var good = JsonSerializer.Serialize(new { sellerId = "seller-1", api = "sp-api", region = "na", dataBorderBlob = await NodeDataBorder.EncryptAsync("Atzr|x", SellerSecret.Generate()) });
        var file = Path.Combine(_directory, "export.jsonl");
        await File.WriteAllLinesAsync(file,
        [
            good,
            "{\"sellerId\":\"seller 2\",\"api\":\"sp-api\",\"region\":\"na\",\"dataBorderBlob\":\"AAAA\"}",
            "not json",
            JsonSerializer.Serialize(new { sellerId = "seller-3", api = "sp-api", region = "xx", dataBorderBlob = "AAAA" }),
            good,
        ]);

        var run = await CliRunner.RunAsync(Env(), "import-databorder", "--file", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("line 2: sellerId", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 3: not a JSON object", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 4: region", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 5: the same tenant, seller and api appear twice", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Database));
    }

    [Fact]
    public async Task ImportDataBorderKeepsExistingConnectionsUnlessToldToReplace()
    {
        var file = Path.Combine(_directory, "export.jsonl");
        var blob = await NodeDataBorder.EncryptAsync("Atzr|x", SellerSecret.Generate());
        await File.WriteAllLinesAsync(file, [JsonSerializer.Serialize(new { sellerId = "seller-1", api = "sp-api", region = "na", dataBorderBlob = blob })]);
        Assert.Equal(0, (await CliRunner.RunAsync(Env(), "import-databorder", "--file", file)).ExitCode);

        var again = await CliRunner.RunAsync(Env(), "import-databorder", "--file", file);
        var replaced = await CliRunner.RunAsync(Env(), "import-databorder", "--file", file, "--replace");
        var missing = await CliRunner.RunAsync(Env(), "import-databorder", "--file", Path.Combine(_directory, "nope.jsonl"));

        Assert.Contains("0 imported, 1 kept as they were", again.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 imported, 0 kept as they were", replaced.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr, StringComparison.Ordinal);
    }

    private Dictionary<string, (string Format, byte[] Blob)> ReadConnections()
    {
        using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seller_id, format, blob FROM connections";
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<string, (string, byte[])>();
        while (reader.Read())
            rows[reader.GetString(0)] = (reader.GetString(1), (byte[])reader[2]);
        return rows;
    }

    public void Dispose()
    {
        SqliteDatabase.ClearPool(Database);
        Directory.Delete(_directory, recursive: true);
    }
}
