using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Vault.Storage.Sqlite;

/// <summary>Every connection and audit event of a vault database, all tenants, as of one moment.</summary>
public sealed record VaultSnapshot(IReadOnlyList<Connection> Connections, IReadOnlyList<AuditEvent> Audit);

/// <summary>
/// Reads a SQLite vault file whole, for moving it to PostgreSQL (<see cref="StoreCopy"/>). The file is opened
/// read-only and read in one transaction, so a vault still writing to it cannot make the copy half old, half
/// new; only a file at this build's schema version is read, so every column means what the target expects.
/// </summary>
public static class SqliteSnapshot
{
    public static async Task<VaultSnapshot> ReadAsync(string path, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"There is no SQLite database at {path}.", path);
        }

        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using var db = new SqliteConnection(connectionString);
        await db.OpenAsync(ct).ConfigureAwait(false);
        await using var transaction = db.BeginTransaction(deferred: true);

        var version = await db.ScalarAsync("SELECT MAX(version) FROM schema_migrations;", ct).ConfigureAwait(false);
        if (Convert.ToInt32(version ?? 0, CultureInfo.InvariantCulture) != SqliteMigrations.LatestVersion)
        {
            throw new InvalidOperationException(
                $"{path} has schema version {version ?? 0}, this build reads version {SqliteMigrations.LatestVersion}: run this build's `migrate` on it first.");
        }

        List<Connection> connections;
        await using (var select = db.Command(ConnectionSql.Select + " ORDER BY tenant, seller_id, api;"))
        {
            connections = await StoreDialect.ReadAllAsync(select, row => StoreRows.Connection(row, UnixMilliseconds.Read), ct).ConfigureAwait(false);
        }

        List<AuditEvent> audit;
        await using (var select = db.Command("SELECT " + AuditSql.Columns + " FROM audit_log ORDER BY id;"))
        {
            audit = await StoreDialect.ReadAllAsync(select, row => StoreRows.Audit(row, UnixMilliseconds.Read), ct).ConfigureAwait(false);
        }

        return new VaultSnapshot(connections, audit);
    }
}
