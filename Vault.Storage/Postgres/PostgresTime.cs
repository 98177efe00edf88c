namespace Vault.Storage.Postgres;

/// <summary>
/// Timestamps are <c>timestamptz</c> columns written at millisecond precision: the store truncates
/// sub-millisecond ticks as the SQLite store does (PostgreSQL would keep microseconds), so a value
/// round-trips identically on both stores and comes back as UTC.
/// </summary>
internal static class PostgresTime
{
    /// <summary>Npgsql writes <c>timestamptz</c> only from UTC values.</summary>
    public static DateTime ToColumn(DateTimeOffset at) =>
        DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds()).UtcDateTime;

    public static DateTimeOffset FromColumn(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
}
