using System.Globalization;
using Npgsql;
using static Vault.Storage.Postgres.PostgresCommands;

namespace Vault.Storage.Postgres;

/// <summary>
/// The embedded <c>Migrations/Postgres/NNNN_name.sql</c> scripts, applied in version order in one
/// transaction and recorded in <c>schema_migrations</c>. The transaction first takes a transaction-scoped
/// advisory lock, so instances starting at the same moment apply them one after the other: the second
/// waits, then finds nothing left to do. A database already up to date is only read, so a serving role
/// without CREATE privileges starts on a database its owner migrated. (The SQLite runner reads <c>Migrations/</c> itself only: its file
/// pattern does not match these names.)
/// </summary>
internal static class PostgresMigrations
{
    private const string ResourcePrefix = "Vault.Storage.Migrations.Postgres.";

    /// <summary>The advisory lock's key, the ASCII of "vaultmig": any constant will do, as long as it never changes.</summary>
    public const long LockKey = 0x7661756C746D6967;

    public static IReadOnlyList<Migration> All { get; } = MigrationScripts.Load(ResourcePrefix);

    public static int LatestVersion => All.Count == 0 ? 0 : All[^1].Version;

    public static async Task ApplyAsync(NpgsqlDataSource dataSource, string description, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        if (await CurrentVersionAsync(connection, description, ct).ConfigureAwait(false) == LatestVersion)
        {
            return;
        }

        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

        // Released at commit or rollback, also when the process dies: a crashed instance cannot leave it held.
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@key);", ct, Int("key", LockKey)).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL);",
            ct).ConfigureAwait(false);

        var current = await CurrentVersionAsync(connection, description, ct).ConfigureAwait(false);
        foreach (var migration in All.Where(m => m.Version > current))
        {
            await connection.ExecuteAsync(migration.Sql, ct).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at);",
                ct,
                Int("version", migration.Version),
                Time("at", time.GetUtcNow())).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The newest version applied, 0 for an empty database; refuses a version newer than this build knows.</summary>
    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, string description, CancellationToken ct)
    {
        if (await connection.ScalarAsync("SELECT to_regclass('schema_migrations') IS NOT NULL;", ct).ConfigureAwait(false) is not true)
        {
            return 0;
        }

        var current = Convert.ToInt32(
            await connection.ScalarAsync("SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", ct).ConfigureAwait(false),
            CultureInfo.InvariantCulture);
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database {description} has schema version {current}, newer than the {LatestVersion} this build knows. " +
                "Refusing to run: upgrade the vault, or restore a backup taken before the newer version ran.");
        }

        return current;
    }
}
