using System.Collections.Concurrent;
using Vault.Storage;

namespace Vault.Api.Pacing;

/// <summary>The rate buckets of a single instance (SQLite): in memory, on the app's clock.</summary>
public sealed class MemoryRateBuckets(TimeProvider time) : IRateBuckets
{
    private readonly ConcurrentDictionary<(string Tenant, string Bucket), Entry> _buckets = new();

    public Task<RateReservation> ReserveAsync(string tenant, string bucket, double rate, int burst, TimeSpan maxWait, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var entry = _buckets.GetOrAdd((tenant, bucket), static (_, state) => new Entry(new TokenBucket(state.rate, state.burst, state.now)), (rate, burst, now));
        lock (entry)
        {
            var wait = entry.Bucket.TryReserve(now, maxWait, out var retryAfter);
            return Task.FromResult(new RateReservation(wait is not null, wait ?? retryAfter, entry.Bucket.Rate));
        }
    }

    public Task ReleaseAsync(string tenant, string bucket, CancellationToken ct) => Change(tenant, bucket, static (ref b, now, _) => b.Release(now));

    public Task EmptyAsync(string tenant, string bucket, CancellationToken ct) => Change(tenant, bucket, static (ref b, now, _) => b.Empty(now));

    public Task SetRateAsync(string tenant, string bucket, double rate, CancellationToken ct) =>
        Change(tenant, bucket, static (ref b, now, rate) => b.SetRate(now, rate), rate);

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

    private sealed class Entry(TokenBucket bucket)
    {
        public TokenBucket Bucket = bucket;
    }
}
