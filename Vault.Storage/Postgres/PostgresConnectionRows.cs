using Npgsql;
using Vault.Storage.Sqlite;

namespace Vault.Storage.Postgres;

/// <summary>How a <see cref="Connection"/> maps to a row of the <c>connections</c> table (same columns as SQLite's).</summary>
internal static class PostgresConnectionRows
{
    public const string Select = "SELECT " + ConnectionRows.Columns + " FROM connections";

    public static Connection Read(NpgsqlDataReader row) => StoreRows.Connection(row, Time);

    /// <summary>How the PostgreSQL store reads a timestamp column (timestamptz, as UTC).</summary>
    public static DateTimeOffset Time(System.Data.Common.DbDataReader row, int ordinal) => PostgresTime.FromColumn(row.GetDateTime(ordinal));

    public static async Task<List<Connection>> ReadAllAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var connections = new List<Connection>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            connections.Add(Read(reader));
        }

        return connections;
    }

    public static string StatusText(ConnectionStatus status) => ConnectionRows.StatusText(status);
}
