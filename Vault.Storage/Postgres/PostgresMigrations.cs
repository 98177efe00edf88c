using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;
using static Vault.Storage.Postgres.PostgresCommands;

namespace Vault.Storage.Postgres;

/// <summary>
/// The embedded <c>Migrations/Postgres/NNNN_name.sql</c> scripts, applied in version order in one
/// transaction and recorded in <c>schema_migrations</c>. The transaction first takes a transaction-scoped
/// advisory lock, so instances starting at the same moment apply them one after the other: the second
/// waits, then finds nothing left to do. (The SQLite runner reads <c>Migrations/</c> itself only: its file
/// pattern does not match these names.)
/// </summary>
internal static partial class PostgresMigrations
{
    private const string ResourcePrefix = "Vault.Storage.Migrations.Postgres.";

    /// <summary>The advisory lock's key, the ASCII of "vaultmig": any constant will do, as long as it never changes.</summary>
    private const long LockKey = 0x7661756C746D6967;

    public static IReadOnlyList<Migration> All { get; } = Load();

    public static int LatestVersion => All.Count == 0 ? 0 : All[^1].Version;

    public static async Task ApplyAsync(NpgsqlDataSource dataSource, string description, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);

        // Released at commit or rollback, also when the process dies: a crashed instance cannot leave it held.
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@key);", ct, Int("key", LockKey)).ConfigureAwait(false);
        await connection.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL);",
            ct).ConfigureAwait(false);

        var current = Convert.ToInt32(
            await connection.ScalarAsync("SELECT COALESCE(MAX(version), 0) FROM schema_migrations;", ct).ConfigureAwait(false),
            CultureInfo.InvariantCulture);
        if (current > LatestVersion)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database {description} has schema version {current}, newer than the {LatestVersion} this build knows. " +
                "Refusing to run: upgrade the vault, or restore a backup taken before the newer version ran.");
        }

        foreach (var migration in All.Where(m => m.Version > current))
        {
            await connection.ExecuteAsync(migration.Sql, ct).ConfigureAwait(false);
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, @at);",
                ct,
                Int("version", migration.Version),
                Time("at", DateTimeOffset.UtcNow)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
    }

    private static List<Migration> Load()
    {
        var assembly = typeof(PostgresMigrations).Assembly;
        var migrations = new List<Migration>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            var match = FileName().Match(name[ResourcePrefix.Length..]);
            if (!match.Success)
            {
                continue;
            }

            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture), name, ReadResource(assembly, name)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migration versions must run 1, 2, 3… without gaps or duplicates; found {migrations[i].Name}.");
            }
        }

        return migrations;
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(?<version>[0-9]{4})_[A-Za-z0-9_]+\.sql$")]
    private static partial Regex FileName();

    internal sealed record Migration(int Version, string Name, string Sql);
}
