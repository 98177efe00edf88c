using System.Text;
using Vault.Crypto;
using Vault.Storage;
using Vault.Tests.Cli;

namespace Vault.Tests.ClientSecrets;

/// <summary><c>app-secret status</c> and <c>app-secret rotate</c>: slots and expiries, never a secret's value.</summary>
[Trait("Category", "Slow")] // runs the CLI as a process
public sealed class AppSecretCliTests : IAsyncLifetime
{
    private const string Current = "cli-current-client-secret";
    private const string Previous = "cli-previous-client-secret";
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vault-appsecret-cli-" + Guid.NewGuid().ToString("N"));

    private string Database => Path.Combine(_directory, "vault.db");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Vault.Storage.Sqlite.SqliteDatabase.ClearPool(Database);
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    private Dictionary<string, string> Environment(bool rotation) => new()
    {
        ["VAULT_DATABASE"] = Database,
        ["SPAPI_LWA_CLIENT_ID"] = "amzn1.application-oa2-client.cli",
        ["SPAPI_LWA_CLIENT_SECRET"] = Current,
        ["SPAPI_LWA_CLIENT_SECRET_PREVIOUS"] = Previous,
        ["SPAPI_ROTATION_QUEUE_URL"] = rotation ? "https://sqs.us-east-1.amazonaws.com/123456789012/vault-rotation" : "",
        ["VAULT_APP_SECRET_KEY"] = RotatingVault.AppSecretKey,
    };

    [Fact]
    public async Task StatusNamesTheStoredRotatedSecretAndExpiriesButNoValue()
    {
        var rotated = "cli-rotated-" + Guid.NewGuid().ToString("N");
        var expires = DateTimeOffset.UtcNow.AddDays(20);
        await using (var store = VaultStoreFactory.Create(Database))
        {
            await store.MigrateAsync();
            using var sealer = new PayloadSealer(RotatingVault.AppSecretKey, "lwa-client-secret/sp-api");
            await ((IAppClientSecretStore)store).SaveAppClientSecretAsync("sp-api", sealer.Seal(Encoding.UTF8.GetBytes(rotated)), expires,
                sealer.Seal(Encoding.UTF8.GetBytes(Current)), DateTimeOffset.UtcNow.AddDays(7), DateTimeOffset.UtcNow);
        }

        var result = await CliRunner.RunAsync(Environment(rotation: true), "app-secret", "status");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("sp-api: SPAPI_LWA_CLIENT_SECRET set, SPAPI_LWA_CLIENT_SECRET_PREVIOUS set", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("sp-api: presents rotated (stored version 1", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("(rotation due)", result.Stdout, StringComparison.Ordinal);
        foreach (var secret in (string[])[rotated, Current, Previous, RotatingVault.AppSecretKey])
            Assert.DoesNotContain(secret, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateWithoutAQueueRefusesWithOneLine()
    {
        var result = await CliRunner.RunAsync(Environment(rotation: false), "app-secret", "rotate");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("app-secret rotate: set SPAPI_ROTATION_QUEUE_URL", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task RotateClaimsTheWindowOnceAndSaysWhenItCannotCallAmazon()
    {
        await using (var store = VaultStoreFactory.Create(Database))
            await store.MigrateAsync();

        var first = await CliRunner.RunAsync(Environment(rotation: true), "app-secret", "rotate");
        var second = await CliRunner.RunAsync(Environment(rotation: true), "app-secret", "rotate");

        // This build has no grantless calls (issue 16 part 1) to reach rotateApplicationClientSecret: refused, and said so.
        Assert.Equal(1, first.ExitCode);
        Assert.Contains("Amazon did not accept the rotation", first.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("a rotation was already requested", second.Stderr, StringComparison.Ordinal);
    }
}
