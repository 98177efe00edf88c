using System.Data.Common;

namespace Vault.Storage.Sqlite;

/// <summary>
/// Every timestamp is stored as unix milliseconds (UTC) in an INTEGER column: it round-trips a
/// <see cref="DateTimeOffset"/> exactly to the millisecond (sub-millisecond ticks are truncated,
/// the offset comes back as UTC) and compares cheaply in SQL.
/// </summary>
internal static class UnixMilliseconds
{
    public static long From(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static long? From(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();

    public static DateTimeOffset ToTime(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    public static DateTimeOffset Read(DbDataReader row, int ordinal) => ToTime(row.GetInt64(ordinal));
}
