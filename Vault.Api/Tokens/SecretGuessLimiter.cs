using System.Threading.RateLimiting;

namespace Vault.Api.Tokens;

/// <summary>
/// Slows a wrong-secret guesser to a few tries a minute per connection (docs/API.md 429 rate_limited).
/// Only failures spend permits, so a WMS with the right secret is never limited by this.
/// </summary>
public sealed class SecretGuessLimiter : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    public const int FailuresPerWindow = 5;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = FailuresPerWindow, Window = Window, QueueLimit = 0 }));

    /// <summary>True when this connection has used up its failures for the window: refuse before any key derivation.</summary>
    public bool IsBlocked(string connectionKey) => _limiter.GetStatistics(connectionKey)?.CurrentAvailablePermits == 0;

    public void RecordFailure(string connectionKey)
    {
        using var lease = _limiter.AttemptAcquire(connectionKey);
    }

    public void Dispose() => _limiter.Dispose();
}
