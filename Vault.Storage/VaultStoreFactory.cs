using Vault.Storage.Postgres;
using Vault.Storage.Sqlite;

namespace Vault.Storage;

/// <summary>
/// Picks the store from <c>VAULT_DATABASE</c>: a PostgreSQL connection string (<c>Host=…</c> key/value, or a
/// <c>postgres://</c> / <c>postgresql://</c> URI) opens <see cref="PostgresVaultStore"/>; anything else is the
/// path of a SQLite file. A PostgreSQL value holds a password: log <see cref="Describe"/>, never the value.
/// </summary>
public static class VaultStoreFactory
{
    public static IVaultStore Create(string database)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(database);
        return IsPostgres(database) ? new PostgresVaultStore(database) : new SqliteVaultStore(database);
    }

    /// <summary>True when <paramref name="database"/> names a PostgreSQL database rather than a SQLite file.</summary>
    public static bool IsPostgres(string database) => PostgresConnectionString.IsPostgres(database);

    /// <summary>What to print about the database: the SQLite path, or PostgreSQL's database, host and port without the password.</summary>
    public static string Describe(string database) =>
        IsPostgres(database) ? "PostgreSQL database " + PostgresConnectionString.Describe(database) : database;
}
