using System.Data.Common;

namespace Vault.Storage;

/// <summary>
/// The rows both stores read, column by column in the order of <see cref="ConnectionSql.Columns"/> and
/// <see cref="AuditSql.Columns"/>. Only timestamps differ between them (unix milliseconds on SQLite, timestamptz on
/// PostgreSQL), so each store passes how it reads one.
/// </summary>
internal static class StoreRows
{
    public delegate DateTimeOffset TimeReader(DbDataReader row, int ordinal);

    public static Connection Connection(DbDataReader row, TimeReader time) => new(
        Tenant: row.GetString(0),
        SellerId: row.GetString(1),
        Api: row.GetString(2),
        Region: row.GetString(3),
        SellingPartnerId: Text(row, 4),
        Status: ConnectionSql.StatusFromText(row.GetString(5)),
        Format: row.GetString(6),
        Blob: row.GetFieldValue<byte[]>(7),
        CreatedAt: time(row, 8),
        UpdatedAt: time(row, 9),
        LastUsedAt: row.IsDBNull(10) ? null : time(row, 10),
        // INTEGER 0 or 1 on both databases (0003 / Postgres 0004); SQLite hands back a long, PostgreSQL an int.
        Sandbox: Convert.ToInt64(row.GetValue(11), System.Globalization.CultureInfo.InvariantCulture) != 0)
    {
        AuthorizedAt = row.IsDBNull(12) ? time(row, 8) : time(row, 12),
    };

    public static AuditEvent Audit(DbDataReader row, TimeReader time) =>
        new(
            Tenant: row.GetString(2),
            Action: row.GetString(3),
            Actor: row.GetString(4),
            SellerId: Text(row, 5),
            Api: Text(row, 6),
            Region: Text(row, 7),
            RequestId: Text(row, 8),
            Ip: Text(row, 9),
            Detail: Text(row, 10))
        {
            Id = row.GetInt64(0),
            At = time(row, 1),
        };

    private static string? Text(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);
}
