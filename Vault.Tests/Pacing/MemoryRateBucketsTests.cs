using Microsoft.Extensions.Time.Testing;
using Vault.Api.Pacing;

namespace Vault.Tests.Pacing;

public class MemoryRateBucketsTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task BucketsThatFilledUpAgainAreDroppedAndABucketStillDrainingIsKept()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var buckets = new MemoryRateBuckets(clock);
        // One bucket per connection and operation: 5,000 sellers called once each, and one seller with calls queued.
        for (var i = 0; i < 5_000; i++)
            Assert.True((await buckets.ReserveAsync("t", $"seller-{i}\nsp-api\ngetOrders", 1, 2, Long, default)).Granted);
        for (var i = 0; i < 40; i++)
            await buckets.ReserveAsync("t", "busy\nsp-api\ngetOrders", 0.1, 2, TimeSpan.FromHours(1), default);

        clock.Advance(TimeSpan.FromMinutes(2)); // the 5,000 are full again; "busy" (0.1/s) still has 26 calls queued
        await buckets.ReserveAsync("t", "newcomer\nsp-api\ngetOrders", 1, 2, Long, default);

        // A full bucket is what a new one would be: keeping it only kept memory, for every seller ever called.
        Assert.Equal(2, buckets.Count);
        var queued = await buckets.ReserveAsync("t", "busy\nsp-api\ngetOrders", 0.1, 2, TimeSpan.FromHours(1), default);
        Assert.True(queued.Wait > TimeSpan.Zero, "the draining bucket kept its queue");
    }

    [Fact]
    public async Task ABucketWithTheRateAmazonReportedIsKeptWhenFull()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var buckets = new MemoryRateBuckets(clock);
        for (var i = 0; i < 2_000; i++)
            await buckets.ReserveAsync("t", $"seller-{i}\nsp-api\ngetOrders", 1, 2, Long, default);
        await buckets.SetRateAsync("t", "seller-7\nsp-api\ngetOrders", 0.5, default);

        clock.Advance(TimeSpan.FromMinutes(2));
        await buckets.ReserveAsync("t", "newcomer\nsp-api\ngetOrders", 1, 2, Long, default);

        Assert.Equal(2, buckets.Count);
        Assert.Equal(0.5, (await buckets.ReserveAsync("t", "seller-7\nsp-api\ngetOrders", 1, 2, Long, default)).Rate);
    }
}
