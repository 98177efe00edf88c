using Microsoft.Data.Sqlite;

namespace Vault.Storage.Sqlite;

/// <summary>How a <see cref="Connection"/> maps to a row of the <c>connections</c> table.</summary>
internal static class ConnectionRows
{
    /// <summary>The columns in the order <see cref="Read"/> expects them.</summary>
    public const string Columns =
        "tenant, seller_id, api, region, selling_partner_id, status, format, blob, created_at, updated_at, last_used_at";

    public static Connection Read(SqliteDataReader row) => StoreRows.Connection(row, Time);

    /// <summary>How the SQLite store reads a timestamp column (unix milliseconds).</summary>
    public static DateTimeOffset Time(System.Data.Common.DbDataReader row, int ordinal) => UnixMilliseconds.ToTime(row.GetInt64(ordinal));

    public static async Task<List<Connection>> ReadAllAsync(SqliteCommand command, CancellationToken ct)
    {
        var connections = new List<Connection>();
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            connections.Add(Read(reader));
        }

        return connections;
    }

    public static string StatusText(ConnectionStatus status) => status switch
    {
        ConnectionStatus.Active => "active",
        ConnectionStatus.ReauthorizationRequired => "reauthorization_required",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown connection status."),
    };

    public static ConnectionStatus StatusFromText(string text) => text switch
    {
        "active" => ConnectionStatus.Active,
        "reauthorization_required" => ConnectionStatus.ReauthorizationRequired,
        _ => throw new InvalidOperationException($"Unknown connection status '{text}' in the database."),
    };
}
