using System.Collections.Concurrent;
using Vault.Storage;

namespace Vault.Api.Pacing;

/// <summary>
/// The rate buckets of a single instance (SQLite): in memory, on the app's clock. A bucket that has filled up again at
/// its default rate is what a new one would be, so such buckets are dropped now and then; one that also holds a rate
/// Amazon reported is dropped once it has gone unused for <see cref="IRateBuckets.IdleKept"/> (the next call learns the
/// rate again). Otherwise every connection and operation ever called would keep one for good.
/// </summary>
public sealed class MemoryRateBuckets(TimeProvider time) : IRateBuckets
{
    /// <summary>Below this many buckets nothing is swept; above it, at most once per <see cref="SweepInterval"/>.</summary>
    private const int SweepAbove = 1024;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Tenant, string Bucket), Entry> _buckets = new();
    private long _lastSweepTicks;

    public Task<RateReservation> ReserveAsync(string tenant, string bucket, double rate, int burst, TimeSpan maxWait, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        while (true)
        {
            if (!_buckets.TryGetValue((tenant, bucket), out var entry))
            {
                SweepIfDue(now);
                entry = _buckets.GetOrAdd((tenant, bucket), static (_, state) => new Entry(new TokenBucket(state.rate, state.burst, state.now)), (rate, burst, now));
            }
            lock (entry)
            {
                if (entry.Dropped)
                    continue; // swept between the lookup and the lock: its successor (or a new bucket) serves
                var wait = entry.Bucket.TryReserve(now, maxWait, out var retryAfter);
                return Task.FromResult(new RateReservation(wait is not null, wait ?? retryAfter, entry.Bucket.Rate));
            }
        }
    }

    public Task ReleaseAsync(string tenant, string bucket, CancellationToken ct) => Change(tenant, bucket, static (ref b, now, _) => b.Release(now));

    public Task EmptyAsync(string tenant, string bucket, CancellationToken ct) => Change(tenant, bucket, static (ref b, now, _) => b.Empty(now));

    public Task SetRateAsync(string tenant, string bucket, double rate, CancellationToken ct) =>
        Change(tenant, bucket, static (ref b, now, rate) => b.SetRate(now, rate), rate);

    /// <summary>Sweeps whatever the number of buckets (IdleBucketSweep, every few minutes).</summary>
    public Task<int> SweepIdleAsync(CancellationToken ct) => Task.FromResult(Sweep(time.GetUtcNow()));

    /// <summary>Buckets held now.</summary>
    public int Count => _buckets.Count;

    private delegate void Step(ref TokenBucket bucket, DateTimeOffset now, double argument);

    private Task Change(string tenant, string bucket, Step step, double argument = 0)
    {
        if (_buckets.TryGetValue((tenant, bucket), out var entry))
        {
            lock (entry)
                step(ref entry.Bucket, time.GetUtcNow(), argument);
        }
        return Task.CompletedTask;
    }

    /// <summary>Sweeps when there are many buckets; O(buckets), once a minute at most.</summary>
    private void SweepIfDue(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (_buckets.Count < SweepAbove || now.UtcTicks - last < SweepInterval.Ticks
            || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
            return;
        Sweep(now);
    }

    /// <summary>Drops the buckets that are full at their default rate, and those full with a reported rate and unused for <see cref="IRateBuckets.IdleKept"/>.</summary>
    private int Sweep(DateTimeOffset now)
    {
        var dropped = 0;
        foreach (var (key, entry) in _buckets)
        {
            lock (entry)
            {
                // Every step on a bucket refills it to its moment, so RefilledAt is when it was last used.
                var kept = entry.Bucket.Rate != entry.DefaultRate && now - entry.Bucket.RefilledAt < IRateBuckets.IdleKept;
                if (!entry.Bucket.IsFullAt(now) || kept)
                    continue;
                entry.Dropped = true;
                _buckets.TryRemove(new KeyValuePair<(string, string), Entry>(key, entry));
                dropped++;
            }
        }
        return dropped;
    }

    private sealed class Entry(TokenBucket bucket)
    {
        public TokenBucket Bucket = bucket;
        public readonly double DefaultRate = bucket.Rate;
        public bool Dropped;
    }
}
