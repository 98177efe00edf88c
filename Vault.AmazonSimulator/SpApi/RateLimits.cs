using System.Collections.Concurrent;

namespace Vault.AmazonSimulator.SpApi;

/// <summary>
/// SP-API's token-bucket rate limiting, per operation and selling partner (Amazon limits per
/// account-application pair): https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits
/// </summary>
public sealed class RateLimits
{
    public const string LimitHeader = "x-amzn-RateLimit-Limit";

    private readonly TimeProvider time;
    private readonly RateLimit defaultLimit;
    private readonly Dictionary<string, RateLimit> configured;
    private readonly ConcurrentDictionary<string, RateLimit> overrides = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Operation, string Partition), Bucket> buckets = new();

    public RateLimits(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        time = options.TimeProvider;
        defaultLimit = options.DefaultRateLimit;
        configured = new Dictionary<string, RateLimit>(options.RateLimits, StringComparer.Ordinal);
    }

    /// <summary>Changes an operation's enforced limit at run time (e.g. from <c>/_sim/rate-limits</c>).</summary>
    public void Set(string operation, RateLimit limit)
    {
        overrides[operation] = limit;
        foreach (var key in buckets.Keys.Where(k => k.Operation == operation))
        {
            buckets.TryRemove(key, out _);
        }
    }

    /// <summary>The configured rate, or Amazon's documented one when the simulator merely enforces a generous default.</summary>
    public string AdvertisedRate(SpApiOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return SpApiOperation.FormatRate(Explicit(operation)?.Rate ?? operation.Rate);
    }

    public bool TryAcquire(SpApiOperation operation, string partition)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var limit = Explicit(operation) ?? defaultLimit;
        var bucket = buckets.GetOrAdd((operation.Name, partition), _ => new Bucket(limit, time.GetUtcNow()));
        return bucket.TryTake(time.GetUtcNow());
    }

    public void Clear()
    {
        overrides.Clear();
        buckets.Clear();
    }

    private RateLimit? Explicit(SpApiOperation operation) =>
        overrides.TryGetValue(operation.Name, out var limit) ? limit
        : configured.TryGetValue(operation.Name, out limit) ? limit
        : null;

    private sealed class Bucket(RateLimit limit, DateTimeOffset now)
    {
        private readonly Lock gate = new();
        private double tokens = limit.Burst;
        private DateTimeOffset refilledAt = now;

        public bool TryTake(DateTimeOffset at)
        {
            lock (gate)
            {
                var elapsed = Math.Max(0, (at - refilledAt).TotalSeconds);
                tokens = Math.Min(limit.Burst, tokens + (elapsed * limit.Rate));
                refilledAt = at;
                if (tokens < 1)
                {
                    return false;
                }

                tokens -= 1;
                return true;
            }
        }
    }
}
