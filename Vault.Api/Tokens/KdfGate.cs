using Vault.Api.Extensions;

namespace Vault.Api.Tokens;

/// <summary>
/// Runs key derivations (scrypt costs ~16 MiB and tens of ms each) at most one per core, with a bounded
/// queue behind them. When the queue is full the caller is refused and answers 503 busy, so a flood of cold
/// requests cannot exhaust memory. No tenant may hold more than half the queue, so one tenant's flood leaves
/// room for everyone else's derivations.
/// </summary>
public sealed class KdfGate(int concurrency, int queueLimit, VaultMetrics? metrics = null) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(concurrency, concurrency);
    private readonly Lock _queue = new();
    private readonly Dictionary<string, int> _waitingByTenant = new(StringComparer.Ordinal);
    private int _waiting;
    private long _derivations;

    public static KdfGate ForThisMachine(VaultMetrics metrics)
    {
        ScryptMemory.ReturnBuffersToTheSystem();
        return new(Environment.ProcessorCount, Environment.ProcessorCount * 32, metrics);
    }

    /// <summary>Derivations run since start (metrics, and tests that prove a cache hit derived nothing).</summary>
    public long Derivations => Interlocked.Read(ref _derivations);

    /// <summary>Derivations currently waiting for a slot.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>The most derivations one tenant may have waiting at once.</summary>
    public int TenantShare { get; } = Math.Max(1, queueLimit / 2);

    /// <summary>How long a refused caller should wait before retrying.</summary>
    public static TimeSpan RetryAfter => TimeSpan.FromSeconds(1);

    /// <summary>Runs <paramref name="derive"/> for <paramref name="tenant"/>; <c>Ran</c> is false when the gate refused it (busy).</summary>
    public async Task<(bool Ran, T Value)> RunAsync<T>(string tenant, Func<T> derive, CancellationToken ct)
    {
        if (!TryQueue(tenant))
        {
            metrics?.KdfRefused();
            return (false, default!);
        }
        try
        {
            await _slots.WaitAsync(ct);
        }
        finally
        {
            Dequeue(tenant);
        }
        try
        {
            Interlocked.Increment(ref _derivations);
            using (metrics?.TimeKdf())
                return (true, derive());
        }
        finally
        {
            _slots.Release();
        }
    }

    private bool TryQueue(string tenant)
    {
        lock (_queue)
        {
            var mine = _waitingByTenant.GetValueOrDefault(tenant);
            if (_waiting >= queueLimit || mine >= TenantShare)
                return false;
            _waitingByTenant[tenant] = mine + 1;
            var waiting = Interlocked.Increment(ref _waiting);
            metrics?.KdfQueueLength(waiting);
            return true;
        }
    }

    private void Dequeue(string tenant)
    {
        lock (_queue)
        {
            var mine = _waitingByTenant[tenant] - 1;
            if (mine == 0)
                _waitingByTenant.Remove(tenant);
            else
                _waitingByTenant[tenant] = mine;
            var waiting = Interlocked.Decrement(ref _waiting);
            metrics?.KdfQueueLength(waiting);
        }
    }

    public void Dispose() => _slots.Dispose();
}
