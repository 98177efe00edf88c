using System.CommandLine;
using Vault.Api.Configuration;

namespace Vault.Api.Cli;

public static class MaintenanceCommands
{
    public static Command Migrate()
    {
        var command = new Command("migrate", "Apply pending database migrations (the server also does this on start); on PostgreSQL as VAULT_DATABASE_OWNER when set.");
        command.SetAction(async (result, ct) =>
        {
            var (path, owner) = VaultCli.Database();
            try
            {
                await using var store = Vault.Storage.VaultStoreFactory.Create(path, owner);
                await store.MigrateAsync(ct);
                if (store is Vault.Storage.Postgres.PostgresVaultStore postgres)
                {
                    foreach (var warning in postgres.Warnings)
                        await result.InvocationConfiguration.Error.WriteLineAsync($"migrate: warning: {warning}");
                }
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"migrate: {e.Message}");
                return 1;
            }
            // Described, never printed: a PostgreSQL connection string carries a password.
            await result.InvocationConfiguration.Output.WriteLineAsync($"migrate: {Vault.Storage.VaultStoreFactory.Describe(path)} is up to date");
            return 0;
        });
        return command;
    }

    public static Command CheckConfig()
    {
        var command = new Command("check-config", "Validate the environment's configuration; one line per problem.");
        command.SetAction(result =>
        {
            var (_, problems) = VaultConfiguration.Read(VaultCli.Environment());
            foreach (var problem in problems)
                result.InvocationConfiguration.Error.WriteLine($"config: {problem}");
            if (problems.Count == 0)
                result.InvocationConfiguration.Output.WriteLine("config: ok");
            return problems.Count == 0 ? 0 : 2;
        });
        return command;
    }
}
