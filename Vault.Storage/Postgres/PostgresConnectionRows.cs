using Npgsql;
using Vault.Storage.Sqlite;

namespace Vault.Storage.Postgres;

/// <summary>How a <see cref="Connection"/> maps to a row of the <c>connections</c> table (same columns as SQLite's).</summary>
internal static class PostgresConnectionRows
{
    public const string Select = "SELECT " + ConnectionRows.Columns + " FROM connections";

    public static Connection Read(NpgsqlDataReader row) => new(
        Tenant: row.GetString(0),
        SellerId: row.GetString(1),
        Api: row.GetString(2),
        Region: row.GetString(3),
        SellingPartnerId: row.IsDBNull(4) ? null : row.GetString(4),
        Status: StatusFromText(row.GetString(5)),
        Format: row.GetString(6),
        Blob: row.GetFieldValue<byte[]>(7),
        CreatedAt: PostgresTime.FromColumn(row.GetDateTime(8)),
        UpdatedAt: PostgresTime.FromColumn(row.GetDateTime(9)),
        LastUsedAt: row.IsDBNull(10) ? null : PostgresTime.FromColumn(row.GetDateTime(10)));

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

    private static ConnectionStatus StatusFromText(string text) => ConnectionRows.StatusFromText(text);
}
