using Vault.Storage;

namespace Vault.Api.Pacing;

/// <summary>
/// Amazon's token bucket (https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits): <see cref="Rate"/>
/// tokens a second, up to <see cref="Burst"/>, one per call, as the vault estimates it. A call that finds it empty
/// reserves the next token to come (<paramref name="leadSeconds"/> after it comes: <see cref="RateHeadroom"/>), so
/// <see cref="Tokens"/> goes below zero by the calls already waiting and later callers queue behind them, first come first
/// served. Not thread-safe: <see cref="MemoryRateBuckets"/> locks; PostgresRateBuckets does the same sums in SQL.
/// </summary>
public struct TokenBucket(double rate, int burst, DateTimeOffset now, double leadSeconds = RateHeadroom.LeadSeconds)
{
    public double Rate { get; private set; } = rate;
    public int Burst { get; } = burst;
    public double Tokens { get; private set; } = burst;
    public DateTimeOffset RefilledAt { get; private set; } = now;

    /// <summary>A token now, or at the returned wait; refused (null, with when it would fit) beyond <paramref name="maxWait"/>.</summary>
    public TimeSpan? TryReserve(DateTimeOffset now, TimeSpan maxWait, out TimeSpan retryAfter)
    {
        var stored = Tokens;
        Refill(now);
        retryAfter = TimeSpan.Zero;
        var wait = RateHeadroom.Wait(Tokens, stored, Rate, Burst, leadSeconds);
        if (wait > maxWait)
        {
            retryAfter = wait - maxWait;
            return null;
        }
        Tokens -= RateHeadroom.Cost(Rate, Burst, leadSeconds);
        return wait;
    }

    /// <summary>A reserved token whose call was never made goes back.</summary>
    public void Release(DateTimeOffset now)
    {
        Refill(now);
        Tokens = Math.Min(Burst, Tokens + RateHeadroom.Cost(Rate, Burst, leadSeconds));
    }

    /// <summary>Amazon said 429: its bucket is empty, whatever this one estimated.</summary>
    public void Empty(DateTimeOffset now)
    {
        Refill(now);
        Tokens = Math.Min(Tokens, 0);
    }

    /// <summary>True when the bucket holds its whole burst at <paramref name="now"/>: it is then what a new bucket would be.</summary>
    public readonly bool IsFullAt(DateTimeOffset now) => Tokens + (Math.Max(0, (now - RefilledAt).TotalSeconds) * Rate) >= Burst;

    public void SetRate(DateTimeOffset now, double rate)
    {
        Refill(now);
        Rate = rate;
    }

    private void Refill(DateTimeOffset now)
    {
        var elapsed = (now - RefilledAt).TotalSeconds;
        if (elapsed <= 0)
            return;
        Tokens = Math.Min(Burst, Tokens + (elapsed * Rate));
        RefilledAt = now;
    }
}
