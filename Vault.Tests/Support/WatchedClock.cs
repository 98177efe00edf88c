using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Vault.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> (starting at the real time, so JWTs made now stay valid) that reports every wait
/// started on it, such as a Polly retry's delay: a test reads how long the vault chose to wait, then lets exactly that
/// much time pass, without sleeping. Timers that cancel a token (timeouts) are not waits and are not reported.
/// </summary>
public sealed class WatchedClock() : FakeTimeProvider(DateTimeOffset.UtcNow)
{
    private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (state is not CancellationTokenSource && dueTime != Timeout.InfiniteTimeSpan && period == Timeout.InfiniteTimeSpan)
            _waits.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>A wait started on this clock and not read yet, if there is one, without waiting for one.</summary>
    public bool TryTakeWait(out TimeSpan wait) => _waits.Reader.TryRead(out wait);

    /// <summary>The next wait started on this clock; bounded in real time, so a vault that never waits fails the test.</summary>
    public async Task<TimeSpan> NextWaitAsync() => await _waits.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
}
