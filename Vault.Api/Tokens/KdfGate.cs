using Prometheus;

namespace Vault.Api.Tokens;

/// <summary>
/// Runs key derivations (scrypt costs ~16 MiB and tens of ms each) at most one per core, with a bounded
/// queue behind them. When the queue is full the caller gets null and answers 503 busy, so a flood of cold
/// requests cannot exhaust memory.
/// </summary>
public sealed class KdfGate(int concurrency, int queueLimit) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(concurrency, concurrency);
    private int _waiting;
    private long _derivations;

    public static KdfGate ForThisMachine()
    {
        ScryptMemory.ReturnBuffersToTheSystem();
        return new(Environment.ProcessorCount, Environment.ProcessorCount * 32);
    }

    /// <summary>Derivations run since start (metrics, and tests that prove a cache hit derived nothing).</summary>
    public long Derivations => Interlocked.Read(ref _derivations);

    /// <summary>Derivations currently waiting for a slot.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    /// <summary>How long a refused caller should wait before retrying.</summary>
    public static TimeSpan RetryAfter => TimeSpan.FromSeconds(1);

    public async Task<T?> RunAsync<T>(Func<T> derive, CancellationToken ct) where T : class
    {
        if (Interlocked.Increment(ref _waiting) > queueLimit)
        {
            Interlocked.Decrement(ref _waiting);
            Extensions.VaultMetrics.KdfRefused.Inc();
            return null;
        }
        Extensions.VaultMetrics.KdfQueue.Set(Waiting);
        try
        {
            await _slots.WaitAsync(ct);
        }
        finally
        {
            Extensions.VaultMetrics.KdfQueue.Set(Interlocked.Decrement(ref _waiting));
        }
        try
        {
            Interlocked.Increment(ref _derivations);
            using (Extensions.VaultMetrics.KdfSeconds.NewTimer())
                return derive();
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
