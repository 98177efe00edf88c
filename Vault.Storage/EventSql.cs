using System.Data.Common;
using System.Text;

namespace Vault.Storage;

/// <summary>The events table's SQL (the outbox of lifecycle events), the same text on SQLite and PostgreSQL.</summary>
internal static class EventSql
{
    /// <summary>The columns in the order <see cref="Read"/> expects them.</summary>
    public const string Columns =
        "seq, id, at, tenant, type, seller_id, api, region, status, expires_at, days_left, delivery, attempts, last_status, last_error, next_attempt_at, delivered_at, pending_since";

    /// <summary>
    /// A pending event, due at once. ON CONFLICT only ever meets the one-renewal-per-threshold index: a renewal another
    /// instance's scan already wrote is not written twice.
    /// </summary>
    public const string Insert = """
        INSERT INTO events (id, at, tenant, type, seller_id, api, region, status, expires_at, days_left, delivery, pending_since, attempts, next_attempt_at)
        VALUES (@id, @at, @tenant, @type, @seller, @api, @region, @status, @expires, @days, 'pending', @at, 0, @at)
        ON CONFLICT DO NOTHING;
        """;

    /// <summary>A tenant's events oldest first, after a seq (the cursor), at or after a time, of one type.</summary>
    public static string Select(bool afterSeq, bool since, bool ofType)
    {
        var sql = new StringBuilder("SELECT " + Columns + " FROM events WHERE tenant = @tenant");
        if (afterSeq)
            sql.Append(" AND seq > @after");
        if (since)
            sql.Append(" AND at >= @since");
        if (ofType)
            sql.Append(" AND type = @type");
        return sql.Append(" ORDER BY seq LIMIT @take;").ToString();
    }

    public const string SelectById = "SELECT " + Columns + " FROM events WHERE tenant = @tenant AND id = @id;";

    /// <summary>
    /// Due events that no instance holds, only the oldest pending event of each seller (so a seller's events go out in
    /// order: a later one waits while an earlier one is in flight or backing off), up to @take. <paramref name="claimRows"/>
    /// is PostgreSQL's <c>FOR UPDATE SKIP LOCKED</c>: instances claiming at once each take different rows.
    /// </summary>
    public static string SelectDue(string claimRows) =>
        "SELECT " + Columns + """
         FROM events e
        WHERE e.delivery = 'pending' AND e.next_attempt_at <= @now AND (e.lease_until IS NULL OR e.lease_until <= @now)
          AND NOT EXISTS (
              SELECT 1 FROM events p
              WHERE p.delivery = 'pending' AND p.tenant = e.tenant AND p.seller_id = e.seller_id AND p.seq < e.seq)
        ORDER BY e.next_attempt_at, e.seq LIMIT @take
        """ + claimRows + ";";

    public const string Lease = "UPDATE events SET lease_owner = @owner, lease_until = @until WHERE seq = @seq;";

    /// <summary>Only by the instance whose lease it still is, and only while pending (a redelivery request keeps it pending).</summary>
    public const string Complete = """
        UPDATE events SET delivery = @state, attempts = attempts + 1, last_status = @status, last_error = @error,
            next_attempt_at = @next, delivered_at = COALESCE(@delivered, delivered_at), lease_owner = NULL, lease_until = NULL
        WHERE seq = @seq AND lease_owner = @owner AND delivery = 'pending';
        """;

    public const string Redeliver = """
        UPDATE events SET delivery = 'pending', pending_since = @now, next_attempt_at = @now
        WHERE tenant = @tenant AND id = @id;
        """;

    public const string CountPending = "SELECT COUNT(*) FROM events WHERE delivery = 'pending';";

    /// <summary>SP-API connections consented between @expired and @horizon, every tenant's; no blob.</summary>
    public const string SelectRenewals = """
        SELECT tenant, seller_id, api, region, status, COALESCE(authorized_at, created_at) FROM connections
        WHERE api = 'sp-api' AND COALESCE(authorized_at, created_at) <= @horizon AND COALESCE(authorized_at, created_at) > @expired;
        """;

    /// <summary>What one connection's events report: its api, region and status.</summary>
    public const string SelectFacts = "SELECT api, region, status FROM connections WHERE tenant = @tenant AND seller_id = @seller";

    public static LifecycleEvent Read(DbDataReader row, StoreRows.TimeReader time) => new(
        Seq: row.GetInt64(0),
        Id: row.GetString(1),
        At: time(row, 2),
        Tenant: row.GetString(3),
        Type: row.GetString(4),
        SellerId: row.GetString(5),
        Api: Text(row, 6),
        Region: Text(row, 7),
        Status: Text(row, 8),
        ExpiresAt: row.IsDBNull(9) ? null : time(row, 9),
        DaysLeft: row.IsDBNull(10) ? null : row.GetInt32(10),
        Delivery: new EventDelivery(
            State: row.GetString(11),
            Attempts: row.GetInt32(12),
            LastStatus: row.IsDBNull(13) ? null : row.GetInt32(13),
            LastError: Text(row, 14),
            NextAttemptAt: row.IsDBNull(15) ? null : time(row, 15),
            DeliveredAt: row.IsDBNull(16) ? null : time(row, 16),
            PendingSince: time(row, 17)));

    private static string? Text(DbDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);
}
