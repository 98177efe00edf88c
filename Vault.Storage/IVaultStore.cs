namespace Vault.Storage;

/// <summary>
/// Everything the vault persists. Every method is scoped by tenant: a row of another tenant
/// is invisible (null, empty, false), never an error. Implemented for SQLite and PostgreSQL;
/// the contract tests in Vault.Tests run against both.
/// </summary>
public interface IVaultStore : IAsyncDisposable
{
    /// <summary>Applies pending migrations; safe to call on every start. Returns what it found weak, one line each (for the log).</summary>
    Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default);

    /// <summary>
    /// Makes deleted and replaced blobs leave the database files: PostgreSQL rewrites the connections table
    /// (<c>VACUUM FULL</c> as the owner; it locks the table while it runs), SQLite checkpoints and truncates its WAL.
    /// A maintenance step, never something a request waits on.
    /// </summary>
    Task<CompactResult> CompactAsync(CancellationToken ct = default);

    /// <summary>True when the database answers a trivial query (readiness).</summary>
    Task<bool> PingAsync(CancellationToken ct = default);

    Task<Connection?> GetConnectionAsync(string tenant, string sellerId, string api, CancellationToken ct = default);

    Task<IReadOnlyList<Connection>> GetSellerConnectionsAsync(string tenant, string sellerId, CancellationToken ct = default);

    /// <summary>Sellers ordered by id; <paramref name="cursor"/> is the opaque NextCursor of the previous page.</summary>
    Task<Page<SellerSummary>> ListSellersAsync(string tenant, int limit, string? cursor, CancellationToken ct = default);

    /// <summary>
    /// Like <see cref="ListSellersAsync"/>, only sellers with an SP-API connection whose seller last consented before
    /// <paramref name="authorizedBefore"/> (the ones to ask for a renewal), each with all its connections.
    /// </summary>
    Task<Page<SellerSummary>> ListSellersAuthorizedBeforeAsync(string tenant, DateTimeOffset authorizedBefore, int limit, string? cursor, CancellationToken ct = default);

    /// <summary>
    /// Inserts or replaces a connection and appends the audit event, in one transaction. A replacement keeps the first
    /// createdAt, and the stored selling partner id when the new one is null. Returns the row as stored.
    /// </summary>
    Task<Upserted> UpsertConnectionAsync(Connection connection, AuditEvent audit, CancellationToken ct = default);

    /// <summary>
    /// Replaces blobs of one seller in one transaction, all or nothing. Fails (returns false, writes
    /// nothing) when any row is missing or its blob is no longer <see cref="BlobReplacement.ExpectedBlob"/>,
    /// so a concurrent writer cannot be overwritten. On SQLite (secure_delete) the old bytes are overwritten in
    /// place; PostgreSQL keeps the old row version until the table is vacuumed (VACUUM FULL to drop the bytes).
    /// The audit event, when given, is appended in the same transaction.
    /// </summary>
    Task<bool> ReplaceBlobsAsync(string tenant, string sellerId, IReadOnlyList<BlobReplacement> replacements, AuditEvent? audit, CancellationToken ct = default);

    /// <summary>Sets the status; appends the audit event in the same transaction. False when no such connection.</summary>
    Task<bool> SetStatusAsync(string tenant, string sellerId, string api, ConnectionStatus status, AuditEvent? audit, CancellationToken ct = default);

    /// <summary>Records a use; cheap, and never fails the caller's request over a missing row.</summary>
    Task TouchLastUsedAsync(string tenant, string sellerId, string api, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>
    /// Overwrites each blob with random bytes of the same length, then deletes the rows, in one
    /// transaction with the audit event. <paramref name="api"/> null deletes every connection of the
    /// seller. Returns the connections deleted (blobs already wiped), empty when none existed.
    /// </summary>
    Task<IReadOnlyList<Connection>> DeleteConnectionsAsync(string tenant, string sellerId, string? api, AuditEvent audit, CancellationToken ct = default);

    Task AppendAuditAsync(AuditEvent audit, CancellationToken ct = default);

    /// <summary>The tenant's events, newest first.</summary>
    Task<Page<AuditEvent>> QueryAuditAsync(string tenant, string? sellerId, DateTimeOffset? since, int limit, string? cursor, CancellationToken ct = default);

    /// <summary>The tenant's lifecycle events oldest first, after the cursor; the next cursor is always given (an empty page keeps the one passed).</summary>
    Task<Page<LifecycleEvent>> QueryEventsAsync(string tenant, DateTimeOffset? since, string? type, int limit, string? cursor, CancellationToken ct = default);

    Task<LifecycleEvent?> GetEventAsync(string tenant, string id, CancellationToken ct = default);

    /// <summary>Makes the event pending again, due at <paramref name="now"/>, with a fresh retry window. False when no such event.</summary>
    Task<bool> RedeliverEventAsync(string tenant, string id, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>
    /// Up to <paramref name="max"/> due events of any tenant, leased to <paramref name="owner"/> until now + <paramref name="lease"/>:
    /// only the oldest pending event of each seller, and none another instance holds.
    /// </summary>
    Task<IReadOnlyList<LifecycleEvent>> ClaimDueEventsAsync(string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken ct = default);

    /// <summary>Records an attempt on an event <paramref name="owner"/> still holds; false (nothing written) when it lost the lease.</summary>
    Task<bool> CompleteDeliveryAsync(long seq, string owner, DeliveryAttempt attempt, CancellationToken ct = default);

    /// <summary>Events of every tenant still pending delivery.</summary>
    Task<long> CountPendingEventsAsync(CancellationToken ct = default);

    /// <summary>
    /// Writes connection.renewal_due for each SP-API connection whose authorization (<paramref name="lifetime"/> after consent) ends
    /// within one of <paramref name="thresholdDays"/> at <paramref name="now"/>: the nearest threshold crossed, once per threshold and consent.
    /// </summary>
    Task<int> EmitRenewalsDueAsync(DateTimeOffset now, TimeSpan lifetime, IReadOnlyList<int> thresholdDays, CancellationToken ct = default);

    /// <summary>
    /// Registers a single-use id (an OAuth ticket or state) that expires at <paramref name="expiresAt"/>, with what it
    /// holds: <paramref name="payload"/>, sealed by the caller under a key the store never sees. Throws when the id exists.
    /// </summary>
    Task CreateOneTimeAsync(string kind, string id, DateTimeOffset expiresAt, byte[] payload, CancellationToken ct = default);

    /// <summary>
    /// Takes a single-use id: deletes its row and returns its payload, exactly once, for an id that was created and is
    /// not expired at <paramref name="now"/> (also across restarts and processes). Null otherwise; an expired row is
    /// deleted as well. On SQLite the WAL is then truncated, best effort, as after a blob is deleted.
    /// </summary>
    Task<byte[]?> TakeOneTimeAsync(string kind, string id, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Deletes every single-use id expired at <paramref name="now"/>; returns how many.</summary>
    Task<int> PurgeExpiredOneTimeAsync(DateTimeOffset now, CancellationToken ct = default);
}
