using System.CommandLine;
using Microsoft.Data.Sqlite;
using Vault.Storage;
using Vault.Storage.Sqlite;

namespace Vault.Api.Cli;

/// <summary>
/// <c>copy-database --from data/vault.db</c>: moves a SQLite vault into the PostgreSQL database of VAULT_DATABASE
/// (migrated first, as VAULT_DATABASE_OWNER when set). Run it with the SQLite vault stopped: writes made to the
/// file after the snapshot is read are not copied. README "Moving to PostgreSQL".
/// </summary>
public static class CopyDatabaseCommand
{
    public static Command Create()
    {
        var from = new Option<FileInfo>("--from") { Description = "the SQLite vault file to copy (the vault using it stopped)", Required = true };
        var command = new Command("copy-database", "Copy a SQLite vault (connections and audit trail) into the PostgreSQL database of VAULT_DATABASE.") { from };
        command.SetAction(async (result, ct) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var (database, owner) = VaultCli.Database();
            if (!VaultStoreFactory.IsPostgres(database))
            {
                await error.WriteLineAsync("copy-database: VAULT_DATABASE must be the PostgreSQL connection string to copy into");
                return 2;
            }

            var source = result.GetValue(from)!;
            VaultSnapshot snapshot;
            try
            {
                snapshot = await SqliteSnapshot.ReadAsync(source.FullName, ct);
            }
            catch (Exception e) when (e is FileNotFoundException or InvalidOperationException or SqliteException)
            {
                await error.WriteLineAsync($"copy-database: {e.Message}");
                return 1;
            }

            var total = snapshot.Connections.Count + snapshot.Audit.Count;
            try
            {
                await using var store = VaultStoreFactory.Create(database, owner);
                await store.MigrateAsync(ct);
                var outcome = await StoreCopy.CopyAsync(snapshot, store, "operator:copy-database", done => ProgressBar.WriteAsync(output, done, total), ct);
                await output.WriteLineAsync();
                await output.WriteLineAsync(
                    $"copy-database: {outcome.Connections} connection(s) and {outcome.AuditEvents} audit event(s) of {outcome.Tenants} tenant(s) " +
                    $"copied into {VaultStoreFactory.Describe(database)}");
                return 0;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or Npgsql.NpgsqlException)
            {
                // Described, never printed: a PostgreSQL connection string carries a password.
                await error.WriteLineAsync($"copy-database: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
