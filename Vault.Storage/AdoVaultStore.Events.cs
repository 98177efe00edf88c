using System.Data.Common;

namespace Vault.Storage;

/// <summary>
/// The outbox of lifecycle events. An event is inserted in the transaction of the change it reports (the upsert,
/// status change, blob replacement or deletion, next to its audit row), so it commits or rolls back with it. The
/// delivery service claims due events across tenants (on PostgreSQL in the outbox mode of Migrations/Postgres/0006,
/// with FOR UPDATE SKIP LOCKED and a lease), and records each attempt only while its lease holds.
/// </summary>
public abstract partial class AdoVaultStore
{
    public async Task<Page<LifecycleEvent>> QueryEventsAsync(string tenant, DateTimeOffset? since, string? type, int limit, string? cursor, CancellationToken ct = default)
    {
        limit = PageCursor.ClampLimit(limit);
        long? after = cursor is null ? null : PageCursor.ToId(cursor);
        var events = await _sql.ReadAsync(
            tenant,
            EventSql.Select(afterSeq: after is not null, since: since is not null, ofType: type is not null),
            [_sql.Text("tenant", tenant), _sql.Int("after", after), _sql.Time("since", since), _sql.Text("type", type), _sql.Int("take", limit)],
            ReadEvent,
            ct).ConfigureAwait(false);

        // A poller always gets a cursor to come back with: past this page's last event, or where it was when the page is empty.
        return new Page<LifecycleEvent>(events, events.Count > 0 ? PageCursor.FromId(events[^1].Seq) : cursor);
    }

    public async Task<LifecycleEvent?> GetEventAsync(string tenant, string id, CancellationToken ct = default)
    {
        var rows = await _sql.ReadAsync(tenant, EventSql.SelectById, [_sql.Text("tenant", tenant), _sql.Text("id", id)], ReadEvent, ct).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public async Task<bool> RedeliverEventAsync(string tenant, string id, DateTimeOffset now, CancellationToken ct = default) =>
        await _sql.ExecuteAsync(tenant, EventSql.Redeliver, [_sql.Text("tenant", tenant), _sql.Text("id", id), _sql.Time("now", now)], ct).ConfigureAwait(false) == 1;

    public async Task<IReadOnlyList<LifecycleEvent>> ClaimDueEventsAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken ct = default)
    {
        await using var transaction = await _sql.BeginOutboxAsync(ct).ConfigureAwait(false);
        List<LifecycleEvent> due;
        await using (var select = StoreDialect.Command(transaction.Connection, EventSql.SelectDue(_sql.ClaimRows), _sql.Time("now", now), _sql.Int("take", max)))
        {
            due = await StoreDialect.ReadAllAsync(select, ReadEvent, ct).ConfigureAwait(false);
        }

        foreach (var e in due)
        {
            await StoreDialect.ExecuteAsync(
                transaction.Connection, EventSql.Lease, ct, _sql.Text("owner", owner), _sql.Time("until", now + lease), _sql.Int("seq", e.Seq)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return due;
    }

    public async Task<bool> CompleteDeliveryAsync(long seq, string owner, DeliveryAttempt attempt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        await using var transaction = await _sql.BeginOutboxAsync(ct).ConfigureAwait(false);
        var changed = await StoreDialect.ExecuteAsync(
            transaction.Connection,
            EventSql.Complete,
            ct,
            _sql.Text("state", attempt.State), _sql.Int("status", attempt.HttpStatus), _sql.Text("error", attempt.Error),
            _sql.Time("next", attempt.NextAttemptAt), _sql.Time("delivered", attempt.State == DeliveryStates.Delivered ? attempt.At : null),
            _sql.Int("seq", seq), _sql.Text("owner", owner)).ConfigureAwait(false);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return changed == 1;
    }

    public async Task<long> CountPendingEventsAsync(CancellationToken ct = default)
    {
        await using var transaction = await _sql.BeginOutboxAsync(ct).ConfigureAwait(false);
        await using var count = StoreDialect.Command(transaction.Connection, EventSql.CountPending);
        var pending = Convert.ToInt64(await count.ExecuteScalarAsync(ct).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        await transaction.CommitAsync(ct).ConfigureAwait(false);
        return pending;
    }

    public async Task<int> EmitRenewalsDueAsync(DateTimeOffset now, TimeSpan lifetime, IReadOnlyList<int> thresholdDays, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(thresholdDays);
        var earliest = TimeSpan.FromDays(thresholdDays.Max());
        List<(string Tenant, string Seller, string Api, string Region, string Status, DateTimeOffset Authorized)> candidates;
        await using (var transaction = await _sql.BeginOutboxAsync(ct).ConfigureAwait(false))
        {
            await using var select = StoreDialect.Command(
                transaction.Connection, EventSql.SelectRenewals, _sql.Time("horizon", now - lifetime + earliest), _sql.Time("expired", now - lifetime));
            candidates = await StoreDialect.ReadAllAsync(
                select, row => (row.GetString(0), row.GetString(1), row.GetString(2), row.GetString(3), row.GetString(4), _sql.ReadTime(row, 5)), ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }

        var emitted = 0;
        foreach (var c in candidates)
        {
            // Only the nearest threshold crossed: a vault that was down past the 30-day mark and the 7-day mark sends the 7-day one.
            var expires = c.Authorized + lifetime;
            var days = thresholdDays.Where(d => now >= expires - TimeSpan.FromDays(d)).Min();
            await using var transaction = await _sql.BeginAsync(c.Tenant, ct).ConfigureAwait(false);
            emitted += await InsertEventAsync(
                transaction, EventTypes.RenewalDue, c.Tenant, c.Seller, c.Api, c.Region, c.Status, now, ct, expires, days).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
        }

        return emitted;
    }

    public async Task<Page<SellerSummary>> ListSellersAuthorizedBeforeAsync(
        string tenant, DateTimeOffset authorizedBefore, int limit, string? cursor, CancellationToken ct = default)
    {
        limit = PageCursor.ClampLimit(limit);
        var after = cursor is null ? null : PageCursor.ToKey(cursor);
        var afterCursor = after is null ? "" : " AND seller_id > @after";
        var rows = await _sql.ReadAsync(
            tenant,
            ConnectionSql.Select + " WHERE tenant = @tenant AND seller_id IN (SELECT DISTINCT seller_id FROM connections WHERE tenant = @tenant" +
            " AND api = 'sp-api' AND COALESCE(authorized_at, created_at) < @before" + afterCursor + " ORDER BY seller_id LIMIT @take) ORDER BY seller_id, api;",
            [_sql.Text("tenant", tenant), _sql.Time("before", authorizedBefore), _sql.Text("after", after), _sql.Int("take", limit + 1)],
            ReadConnection,
            ct).ConfigureAwait(false);
        return PageCursor.OfSellers(rows, limit);
    }

    /// <summary>One event, in the caller's transaction. On PostgreSQL the tenant's event lock is taken first and held to the
    /// commit, so a tenant's events commit in seq order and a poller past seq n never misses an event below it.</summary>
    private async Task<int> InsertEventAsync(
        StoreTransaction transaction, string type, string tenant, string sellerId, string? api, string? region, string? status, DateTimeOffset at,
        CancellationToken ct, DateTimeOffset? expiresAt = null, int? daysLeft = null)
    {
        if (_sql.EventOrderLock.Length > 0)
            await StoreDialect.ExecuteAsync(transaction.Connection, _sql.EventOrderLock, ct, _sql.Text("tenant", tenant)).ConfigureAwait(false);
        return await StoreDialect.ExecuteAsync(
            transaction.Connection,
            EventSql.Insert,
            ct,
            _sql.Text("id", "evt_" + Guid.CreateVersion7(at).ToString("N")), _sql.Time("at", at), _sql.Text("tenant", tenant), _sql.Text("type", type),
            _sql.Text("seller", sellerId), _sql.Text("api", api), _sql.Text("region", region), _sql.Text("status", status),
            _sql.Time("expires", expiresAt), _sql.Int("days", daysLeft)).ConfigureAwait(false);
    }

    /// <summary>One event per connection of the seller (of <paramref name="apis"/> only, when given), with its region and status as they are now.</summary>
    private async Task InsertEventsForAsync(
        StoreTransaction transaction, string type, string tenant, string sellerId, IReadOnlyCollection<string>? apis, DateTimeOffset at, CancellationToken ct)
    {
        List<(string Api, string Region, string Status)> facts;
        await using (var select = StoreDialect.Command(transaction.Connection, EventSql.SelectFacts + " ORDER BY api;", _sql.Text("tenant", tenant), _sql.Text("seller", sellerId)))
        {
            facts = await StoreDialect.ReadAllAsync(select, row => (row.GetString(0), row.GetString(1), row.GetString(2)), ct).ConfigureAwait(false);
        }

        foreach (var (api, region, status) in facts.Where(f => apis is null || apis.Contains(f.Api)))
            await InsertEventAsync(transaction, type, tenant, sellerId, api, region, status, at, ct).ConfigureAwait(false);
    }

    private LifecycleEvent ReadEvent(DbDataReader row) => EventSql.Read(row, _sql.ReadTime);
}
