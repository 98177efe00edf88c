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
                foreach (var warning in await store.MigrateAsync(ct))
                    await result.InvocationConfiguration.Error.WriteLineAsync($"migrate: warning: {warning}");
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

    public static Command Compact()
    {
        var command = new Command(
            "compact",
            "Make deleted and replaced token blobs leave the database files: PostgreSQL rewrites the connections table " +
            "(VACUUM FULL as VAULT_DATABASE_OWNER; it locks the table while it runs), SQLite checkpoints and truncates its WAL.");
        command.SetAction(async (result, ct) =>
        {
            var (path, owner) = VaultCli.Database();
            var error = result.InvocationConfiguration.Error;
            if (!Vault.Storage.VaultStoreFactory.IsPostgres(path) && !File.Exists(path))
            {
                await error.WriteLineAsync($"compact: there is no database at {path}");
                return 1;
            }
            Vault.Storage.CompactResult compacted;
            try
            {
                await using var store = Vault.Storage.VaultStoreFactory.Create(path, owner);
                compacted = await store.CompactAsync(ct);
                if (!compacted.Completed)
                {
                    await error.WriteLineAsync($"compact: {compacted.Detail}");
                    return 1;
                }
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or Microsoft.Data.Sqlite.SqliteException or Npgsql.NpgsqlException)
            {
                await error.WriteLineAsync($"compact: {e.Message}");
                return 1;
            }
            await result.InvocationConfiguration.Output.WriteLineAsync($"compact: deleted and replaced blobs are gone from the files of {Vault.Storage.VaultStoreFactory.Describe(path)} (backups and replicas keep theirs); {compacted.Detail}");
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
