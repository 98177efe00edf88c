namespace Vault.Api.Events;

/// <summary>
/// When a failed delivery is tried again: exponential from 10 s, doubling to at most 6 h, each wait drawn between half
/// and all of it (jitter, so receivers coming back are not hit by every vault at once), until 3 days after the event
/// (or its redelivery request); then the event is failed. About 20 attempts in all.
/// </summary>
public static class RetrySchedule
{
    public static readonly TimeSpan First = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Longest = TimeSpan.FromHours(6);
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromDays(3);

    /// <summary>The wait after the <paramref name="attempts"/>th failed attempt; <paramref name="jitter"/> in [0, 1).</summary>
    public static TimeSpan Delay(int attempts, double jitter)
    {
        var full = TimeSpan.FromTicks((long)Math.Min(Longest.Ticks, First.Ticks * Math.Pow(2, Math.Clamp(attempts - 1, 0, 30))));
        return full * (0.5 + 0.5 * jitter);
    }

    /// <summary>The next attempt, or null when it would fall after the 3 days: the event has failed.</summary>
    public static DateTimeOffset? Next(int attempts, DateTimeOffset pendingSince, DateTimeOffset now, double jitter)
    {
        var next = now + Delay(attempts, jitter);
        return next - pendingSince > GiveUpAfter ? null : next;
    }
}
