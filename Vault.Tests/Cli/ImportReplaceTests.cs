using System.Text.Json;
using Vault.Crypto;
using Vault.Storage;
using Vault.Storage.Sqlite;
using Vault.Tests.Crypto;

namespace Vault.Tests.Cli;

[Trait("Category", "Slow")] // runs the CLI as a process
public sealed class ImportReplaceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vault-cli-replace-").FullName;

    private string Database => Path.Combine(_directory, "vault.db");

    [Fact]
    public async Task AReplacingImportKeepsTheSellingPartnerIdOAuthLearnt()
    {
        var created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await using (var store = new SqliteVaultStore(Database))
        {
            await store.MigrateAsync();
            await store.UpsertConnectionAsync(
                new Connection("default", "seller-1", ApiNames.SpApi, "na", "A2SPID", ConnectionStatus.Active, "v1", [1, 2, 3], created, created, null),
                new AuditEvent("default", "connection.created", "test"));
        }
        var file = Path.Combine(_directory, "export.jsonl");
        var blob = await NodeDataBorder.EncryptAsync("Atzr|x", SellerSecret.Generate());
        await File.WriteAllLinesAsync(file, [JsonSerializer.Serialize(new { sellerId = "seller-1", api = "sp-api", region = "eu", dataBorderBlob = blob })]);

        var run = await CliRunner.RunAsync(
            new Dictionary<string, string> { ["VAULT_DATABASE"] = Database, ["JWT_SECRET"] = "cli-test-jwt-secret-at-least-32-bytes!!" },
            "import-databorder", "--file", file, "--replace");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("1 imported, 0 kept as they were", run.Stdout, StringComparison.Ordinal);
        await using var reopened = new SqliteVaultStore(Database);
        var row = await reopened.GetConnectionAsync("default", "seller-1", ApiNames.SpApi);
        Assert.NotNull(row);
        Assert.Equal("eu", row.Region);
        Assert.Equal("A2SPID", row.SellingPartnerId);
        Assert.Equal(created, row.CreatedAt);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
