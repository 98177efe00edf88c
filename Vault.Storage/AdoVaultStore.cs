namespace Vault.Storage;

/// <summary>
/// The store's logic once, over ADO.NET, for <see cref="Sqlite.SqliteVaultStore"/> and
/// <see cref="Postgres.PostgresVaultStore"/>: the same SQL, transactions and checks on both, with a
/// <see cref="StoreDialect"/> for what differs. Every write that must be atomic is one transaction.
/// </summary>
public abstract partial class AdoVaultStore : IVaultStore
{
    private readonly StoreDialect _sql;

    private protected AdoVaultStore(StoreDialect dialect, TimeProvider? time)
    {
        _sql = dialect;
        Clock = time ?? TimeProvider.System;
    }

    private protected TimeProvider Clock { get; }

    public abstract Task<IReadOnlyList<string>> MigrateAsync(CancellationToken ct = default);

    public abstract Task<CompactResult> CompactAsync(CancellationToken ct = default);

    public abstract ValueTask DisposeAsync();

    public Task<bool> PingAsync(CancellationToken ct = default) => _sql.PingAsync(ct);

    private static void RequireSameTenant(string tenant, AuditEvent? audit)
    {
        if (audit is not null && !string.Equals(audit.Tenant, tenant, StringComparison.Ordinal))
        {
            throw new ArgumentException("The audit event must belong to the tenant whose data it describes.", nameof(audit));
        }
    }

    /// <summary>The event's own time when the caller set one; otherwise now.</summary>
    private DateTimeOffset TimeOf(AuditEvent? audit) =>
        audit is not null && audit.At != default ? audit.At : Clock.GetUtcNow();
}
