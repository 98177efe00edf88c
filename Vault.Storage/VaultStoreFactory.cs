using Vault.Storage.Postgres;
using Vault.Storage.Sqlite;

namespace Vault.Storage;

/// <summary>
/// Picks the store from <c>VAULT_DATABASE</c>: a PostgreSQL connection string (<c>Host=…</c> key/value, or a
/// <c>postgres://</c> / <c>postgresql://</c> URI) opens <see cref="PostgresVaultStore"/>; anything else is the
/// path of a SQLite file. A PostgreSQL value holds a password: log <see cref="Describe"/>, never the value.
/// <c>VAULT_DATABASE_OWNER</c> (<paramref name="owner"/>), PostgreSQL only, is the tables' owner that migrates them.
/// <paramref name="time"/> (the system clock when null) stamps the rows a caller gives no time.
/// </summary>
public static class VaultStoreFactory
{
    public static IVaultStore Create(string database, string? owner = null, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        if (!IsPostgres(database))
        {
            return owner is null
                ? new SqliteVaultStore(database, time)
                : throw new ArgumentException("VAULT_DATABASE_OWNER applies to PostgreSQL only; VAULT_DATABASE is a SQLite path.", nameof(owner));
        }

        return owner is null || IsPostgres(owner)
            ? new PostgresVaultStore(database, owner, time)
            : throw new ArgumentException("VAULT_DATABASE_OWNER must be a PostgreSQL connection string.", nameof(owner));
    }

    /// <summary>True when <paramref name="database"/> names a PostgreSQL database rather than a SQLite file.</summary>
    public static bool IsPostgres(string database) => PostgresConnectionString.IsPostgres(database);

    /// <summary>What to print about the database: the SQLite path, or PostgreSQL's database, host and port without the password.</summary>
    public static string Describe(string database) =>
        IsPostgres(database) ? "PostgreSQL database " + PostgresConnectionString.Describe(database) : database;
}
