using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Vault.Storage.Sqlite;

/// <summary>
/// The embedded <c>Migrations/NNNN_name.sql</c> scripts, applied in version order in one
/// <c>BEGIN IMMEDIATE</c> transaction and recorded in <c>schema_migrations</c>.
/// </summary>
internal static class SqliteMigrations
{
    private const string ResourcePrefix = "Vault.Storage.Migrations.";

    public static IReadOnlyList<Migration> All { get; } = MigrationScripts.Load(ResourcePrefix);

    public static int LatestVersion => All.Count == 0 ? 0 : All[^1].Version;

    public static async Task ApplyAsync(SqliteDatabase database, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct).ConfigureAwait(false);

        // WAL is a property of the file, not the connection, and cannot be switched inside a transaction.
        var mode = await connection.ScalarAsync("PRAGMA journal_mode = WAL;", ct).ConfigureAwait(false) as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"SQLite refused WAL journal mode for {database.FilePath} (got '{mode}').");
        }

        await using var transaction = connection.BeginTransaction(deferred: false);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT;",
            ct).ConfigureAwait(false);

        var current = Convert.ToInt32(
            await connection.ScalarAsync("SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", ct).ConfigureAwait(false),
            CultureInfo.InvariantCulture);
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The database {database.FilePath} has schema version {current}, newer than the {LatestVersion} this build knows. " +
                "Refusing to run: upgrade the vault, or restore a backup taken before the newer version ran.");
        }

        foreach (var migration in All.Where(m => m.Version > current))
        {
            await connection.ExecuteAsync(migration.Sql, ct).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at);",
                ct,
                ("@version", migration.Version),
                ("@at", UnixMilliseconds.From(time.GetUtcNow()))).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }
}
