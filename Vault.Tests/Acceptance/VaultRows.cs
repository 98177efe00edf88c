using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Vault.Tests.Acceptance;

/// <summary>
/// Every row of the vault's three tables (connections, audit_log, oauth_one_time), read from the database file
/// through a separate read-only connection, one line per row with blobs in hex: two snapshots are equal exactly
/// when nothing was written in between.
/// </summary>
public sealed record VaultRows(IReadOnlyList<string> Connections, IReadOnlyList<string> Audit, IReadOnlyList<string> OneTime)
{
    public static async Task<VaultRows> ReadAsync(string databasePath, string? tenant = null)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync();
        var filter = tenant is null ? "" : " WHERE tenant = $tenant";
        return new VaultRows(
            await RowsAsync(connection, "SELECT * FROM connections" + filter + " ORDER BY tenant, seller_id, api", tenant),
            await RowsAsync(connection, "SELECT * FROM audit_log" + filter + " ORDER BY id", tenant),
            tenant is null ? await RowsAsync(connection, "SELECT * FROM oauth_one_time ORDER BY kind, id", null) : []);
    }

    public int Count => Connections.Count + Audit.Count + OneTime.Count;

    /// <summary>The lines only one of the two snapshots has, for a readable failure message.</summary>
    public string Diff(VaultRows after)
    {
        var text = new StringBuilder();
        foreach (var (name, a, b) in new[] { ("connections", Connections, after.Connections), ("audit_log", Audit, after.Audit), ("oauth_one_time", OneTime, after.OneTime) })
        {
            foreach (var gone in a.Except(b))
                text.Append(name).Append(" - ").AppendLine(gone);
            foreach (var added in b.Except(a))
                text.Append(name).Append(" + ").AppendLine(added);
        }
        return text.ToString();
    }

    public bool SameAs(VaultRows other) =>
        Connections.SequenceEqual(other.Connections) && Audit.SequenceEqual(other.Audit) && OneTime.SequenceEqual(other.OneTime);

    private static async Task<List<string>> RowsAsync(SqliteConnection connection, string sql, string? tenant)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (tenant is not null)
            command.Parameters.AddWithValue("$tenant", tenant);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var fields = new string[reader.FieldCount];
            for (var i = 0; i < reader.FieldCount; i++)
            {
                fields[i] = reader.GetName(i) + "=" + (reader.IsDBNull(i) ? "null" : reader.GetValue(i) switch
                {
                    byte[] bytes => Convert.ToHexStringLower(bytes),
                    IFormattable value => value.ToString(null, CultureInfo.InvariantCulture),
                    var value => value.ToString(),
                });
            }
            rows.Add(string.Join('|', fields));
        }
        return rows;
    }
}
