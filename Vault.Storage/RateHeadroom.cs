using System.Globalization;

namespace Vault.Storage;

/// <summary>
/// How far ahead of Amazon's tokens the vault sends a call that waited for one. Pacing that spent exactly Amazon's rate
/// sent each waiting call just as its token came, so a call whose trip to Amazon was a little shorter than the first of
/// its queue's arrived ahead of its token (bench/RESULTS.md, 2026-12-01). Now a call that must wait goes
/// <see cref="LeadSeconds"/> after its token comes (when the estimate holds 1 + rate × lead), and the queue behind it keeps
/// that lead, one token apart: Amazon's bucket holds the lead's refill to spare at each arrival, and Amazon's rate and burst
/// are spent whole. A call need not wait for a token the bucket already held when it was last touched (a burst), nor when
/// it holds the lead as well; a token only just refilled is the one a shorter trip would beat. A bucket of one token
/// cannot hold more than the one: there (and wherever the burst is smaller than the lead's refill) the rest of the lead
/// lengthens each call's slot instead, by at most a tenth.
/// A slower rate for all (a flat 5 % was tried) does not fit the slowest operations: getOrders' slot is 1 / 0.0167 = 59.9 s
/// and the longest <c>x-vault-max-wait</c> is 60 s; with the lead a call waits at most 59.98 s.
/// </summary>
public static class RateHeadroom
{
    public const double LeadSeconds = 0.1;

    /// <summary>The most a slot grows by where the burst cannot hold the lead.</summary>
    public const double LongestSlowdown = 0.1;

    /// <summary>
    /// How long a call waits, given the tokens the estimate holds before it takes one, refilled to now, and as it
    /// <paramref name="stored"/> them when it was last touched.
    /// </summary>
    public static TimeSpan Wait(double tokens, double stored, double rate, int burst, double leadSeconds = LeadSeconds)
    {
        return Seconds(stored >= 1 ? 0 : Math.Max(0, (1 + Shift(rate, burst, leadSeconds) - tokens) / rate));
    }

    /// <summary>A wait in seconds, rounded up to a tick: never a hair before the token.</summary>
    public static TimeSpan Seconds(double seconds) => TimeSpan.FromTicks((long)Math.Ceiling(seconds * TimeSpan.TicksPerSecond));

    /// <summary>What a call takes from the estimate: a token, and the part of the lead its burst cannot hold.</summary>
    public static double Cost(double rate, int burst, double leadSeconds = LeadSeconds) =>
        1 + Math.Min(LongestSlowdown, (rate * leadSeconds) - Shift(rate, burst, leadSeconds));

    // The lead in tokens that Amazon's bucket can hold beside a whole call.
    private static double Shift(double rate, int burst, double leadSeconds) => Math.Min(rate * leadSeconds, burst - 1);

    /// <summary><see cref="Wait"/> in seconds over a <c>rate_buckets</c> row aliased <c>b</c> (stored tokens), for the given tokens.</summary>
    internal static string WaitSql(string tokens) => string.Create(CultureInfo.InvariantCulture,
        $"(CASE WHEN b.tokens >= 1 THEN 0 ELSE GREATEST(0, (1 + LEAST(b.rate * {LeadSeconds}, b.burst - 1) - {tokens}) / b.rate) END)");

    /// <summary><see cref="Cost"/> over a <c>rate_buckets</c> row aliased <c>b</c>.</summary>
    internal static readonly string CostSql = string.Create(CultureInfo.InvariantCulture,
        $"(1 + LEAST({LongestSlowdown}, b.rate * {LeadSeconds} - LEAST(b.rate * {LeadSeconds}, b.burst - 1)))");
}
