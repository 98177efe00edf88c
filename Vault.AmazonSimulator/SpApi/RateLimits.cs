using System.Collections.Concurrent;

namespace Vault.AmazonSimulator.SpApi;

/// <summary>
/// SP-API's token-bucket rate limiting, per operation and selling partner (Amazon limits per
/// account-application pair): https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits
/// </summary>
public sealed class RateLimits
{
    public const string LimitHeader = "x-amzn-RateLimit-Limit";

    private readonly TimeProvider _time;
    private readonly RateLimit _defaultLimit;
    private readonly bool _documented;
    private readonly Dictionary<string, RateLimit> _configured;
    private readonly ConcurrentDictionary<string, RateLimit> _overrides = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Operation, string Partition), Bucket> _buckets = new();

    public RateLimits(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = options.TimeProvider;
        _defaultLimit = options.DefaultRateLimit;
        _documented = options.DocumentedRateLimits;
        _configured = new Dictionary<string, RateLimit>(options.RateLimits, StringComparer.Ordinal);
    }

    /// <summary>Changes an operation's enforced limit at run time (e.g. from <c>/_sim/rate-limits</c>).</summary>
    public void Set(string operation, RateLimit limit)
    {
        _overrides[operation] = limit;
        foreach (var key in _buckets.Keys.Where(k => k.Operation == operation))
        {
            _buckets.TryRemove(key, out _);
        }
    }

    /// <summary>
    /// Advertises the operation's rate on the answer and takes a token from <paramref name="partition"/>'s bucket; false
    /// when it is empty (Amazon's 429 QuotaExceeded). A call of no known operation is not limited.
    /// </summary>
    public bool Admit(HttpResponse response, SpApiOperation? operation, string partition)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (operation is null)
            return true;
        response.Headers[LimitHeader] = AdvertisedRate(operation);
        return TryAcquire(operation, partition);
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
        var limit = Explicit(operation) ?? (_documented ? new RateLimit(operation.Rate, operation.Burst) : _defaultLimit);
        var bucket = _buckets.GetOrAdd((operation.Name, partition), _ => new Bucket(limit, _time.GetUtcNow()));
        return bucket.TryTake(_time.GetUtcNow());
    }

    public void Clear()
    {
        _overrides.Clear();
        _buckets.Clear();
    }

    private RateLimit? Explicit(SpApiOperation operation) =>
        _overrides.TryGetValue(operation.Name, out var limit) ? limit
        : _configured.TryGetValue(operation.Name, out limit) ? limit
        : null;

    private sealed class Bucket(RateLimit limit, DateTimeOffset now)
    {
        private readonly Lock _gate = new();
        private double _tokens = limit.Burst;
        private DateTimeOffset _refilledAt = now;

        public bool TryTake(DateTimeOffset at)
        {
            lock (_gate)
            {
                var elapsed = Math.Max(0, (at - _refilledAt).TotalSeconds);
                _tokens = Math.Min(limit.Burst, _tokens + (elapsed * limit.Rate));
                _refilledAt = at;
                if (_tokens < 1)
                {
                    return false;
                }

                _tokens -= 1;
                return true;
            }
        }
    }
}
