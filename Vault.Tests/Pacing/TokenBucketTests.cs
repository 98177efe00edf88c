using Vault.Api.Pacing;

namespace Vault.Tests.Pacing;

public class TokenBucketTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Fact]
    public void AFullBucketLetsItsBurstThroughAtOnceThenQueuesOneCallPerToken()
    {
        var bucket = new TokenBucket(rate: 2, burst: 3, T0, leadSeconds: 0);

        var waits = Enumerable.Range(0, 6).Select(i => bucket.TryReserve(T0, Long, out _)).ToList();

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.5)], waits);
        Assert.Equal(-3, bucket.Tokens);
    }

    [Fact]
    public void ACallThatWouldWaitLongerThanItMayIsRefusedWithWhenItWouldFitAndTakesNothing()
    {
        var bucket = new TokenBucket(rate: 0.5, burst: 1, T0, leadSeconds: 0);
        bucket.TryReserve(T0, Long, out _);

        var refused = bucket.TryReserve(T0, TimeSpan.FromSeconds(1.5), out var retryAfter);

        Assert.Null(refused);
        Assert.Equal(TimeSpan.FromSeconds(0.5), retryAfter); // a token in 2 s, 1.5 s of which the caller would wait
        Assert.Equal(0, bucket.Tokens);
        Assert.Equal(TimeSpan.FromSeconds(2), bucket.TryReserve(T0, TimeSpan.FromSeconds(2), out _));
    }

    [Fact]
    public void TokensComeBackAtTheRateUpToTheBurstOnly()
    {
        var bucket = new TokenBucket(rate: 4, burst: 10, T0, leadSeconds: 0);
        for (var i = 0; i < 10; i++)
            bucket.TryReserve(T0, Long, out _);

        bucket.TryReserve(T0.AddSeconds(1), Long, out _);
        Assert.Equal(3, bucket.Tokens, 9);
        bucket.TryReserve(T0.AddHours(1), Long, out _);
        Assert.Equal(9, bucket.Tokens, 9);
    }

    [Fact]
    public void AReleasedTokenGoesToTheNextCaller()
    {
        var bucket = new TokenBucket(rate: 1, burst: 1, T0, leadSeconds: 0);
        bucket.TryReserve(T0, Long, out _);
        bucket.TryReserve(T0, Long, out _); // waits 1 s

        bucket.Release(T0);

        Assert.Equal(TimeSpan.FromSeconds(1), bucket.TryReserve(T0, Long, out _));
    }

    [Fact]
    public void EmptyingKeepsThePromisesAlreadyMadeAndDropsTheRest()
    {
        var full = new TokenBucket(rate: 1, burst: 5, T0, leadSeconds: 0);
        full.Empty(T0);
        Assert.Equal(0, full.Tokens);

        var owing = new TokenBucket(rate: 1, burst: 1, T0, leadSeconds: 0);
        owing.TryReserve(T0, Long, out _);
        owing.TryReserve(T0, Long, out _);
        owing.Empty(T0);
        Assert.Equal(-1, owing.Tokens);
    }

    [Fact]
    public void ANewRateAppliesFromWhenItWasReported()
    {
        var bucket = new TokenBucket(rate: 1, burst: 100, T0, leadSeconds: 0);
        for (var i = 0; i < 100; i++)
            bucket.TryReserve(T0, Long, out _);

        bucket.SetRate(T0.AddSeconds(2), 10); // 2 tokens at the old rate
        bucket.TryReserve(T0.AddSeconds(3), Long, out _); // 10 more at the new one, 1 taken

        Assert.Equal(10, bucket.Rate);
        Assert.Equal(11, bucket.Tokens, 9);
    }

    [Fact]
    public void ACallThatWaitsGoesATenthOfASecondAfterItsTokenComesAndTheQueueBehindItKeepsThatLeadOrForABurstOfOneATenthLongerSlots()
    {
        static List<double> Waits(TokenBucket bucket, int calls) =>
            Enumerable.Range(0, calls).Select(i => Math.Round(bucket.TryReserve(T0, Long, out _)!.Value.TotalSeconds, 6)).ToList();

        // 2/s, burst 3: the burst at once, then a token and 0.1 s of refill (0.2 tokens), then one slot (0.5 s) after another.
        Assert.Equal([0, 0, 0, 0.6, 1.1], Waits(new TokenBucket(rate: 2, burst: 3, T0), 5));
        // 1/s, burst 1: a bucket that holds one token cannot hold the lead too, so each slot is 0.1 s longer.
        Assert.Equal([0, 1.1, 2.2], Waits(new TokenBucket(rate: 1, burst: 1, T0), 3));
        // 10/s, burst 20: the burst whole, then the lead is one token (0.1 s).
        Assert.Equal([.. Enumerable.Repeat(0.0, 20), 0.2, 0.3], Waits(new TokenBucket(rate: 10, burst: 20, T0), 22));

        var throttled = new TokenBucket(rate: 2, burst: 3, T0);
        throttled.Empty(T0);
        var afterThrottle = throttled.TryReserve(T0, Long, out _);
        Assert.Equal(0.6, afterThrottle!.Value.TotalSeconds, 9); // after Amazon's 429 too
    }
}
