using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vault.Api.Pacing;
using Vault.Storage;

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

    [Fact]
    public async Task ABucketWithTheRateAmazonReportedIsDroppedOnceFullAndUnusedForAnHour()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var buckets = new MemoryRateBuckets(clock);
        foreach (var bucket in (string[])["idle", "used-later"])
        {
            await buckets.ReserveAsync("t", bucket, 1, 2, Long, default);
            await buckets.SetRateAsync("t", bucket, 0.5, default);
        }
        // Amazon's slowest rates: five calls queued on a reported 0.0005/s take hours to be paid back.
        await buckets.ReserveAsync("t", "draining", 1, 2, Long, default);
        await buckets.SetRateAsync("t", "draining", 0.0005, default);
        for (var i = 0; i < 5; i++)
            await buckets.ReserveAsync("t", "draining", 1, 2, TimeSpan.FromDays(1), default);

        clock.Advance(TimeSpan.FromMinutes(30));
        await buckets.ReserveAsync("t", "used-later", 1, 2, Long, default);
        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, await buckets.SweepIdleAsync(default));

        clock.Advance(TimeSpan.FromMinutes(1)); // "idle" unused for an hour; "used-later" for half of one
        Assert.Equal(1, await buckets.SweepIdleAsync(default));
        Assert.Equal(2, buckets.Count);
        // The next call starts again from the usage plan's rate, until Amazon reports its own.
        Assert.Equal(1, (await buckets.ReserveAsync("t", "idle", 1, 2, Long, default)).Rate);
        Assert.Equal(0.5, (await buckets.ReserveAsync("t", "used-later", 1, 2, Long, default)).Rate);

        clock.Advance(TimeSpan.FromHours(2)); // "draining" unused for three hours, still paying back its queue
        Assert.Equal(2, await buckets.SweepIdleAsync(default));
        Assert.Equal(0.0005, (await buckets.ReserveAsync("t", "draining", 1, 2, Long, default)).Rate);
    }

    [Fact]
    public async Task TheBackgroundSweepDropsIdleBucketsHoweverFewThereAre()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var buckets = new MemoryRateBuckets(clock);
        await buckets.ReserveAsync("t", "reported", 1, 2, Long, default);
        await buckets.SetRateAsync("t", "reported", 0.5, default);
        using var sweep = new IdleBucketSweep(buckets, clock, NullLogger<IdleBucketSweep>.Instance);
        await sweep.StartAsync(default);

        clock.Advance(TimeSpan.FromMinutes(55));
        await Task.Delay(100);
        Assert.Equal(1, buckets.Count);

        clock.Advance(TimeSpan.FromMinutes(5)); // the pass an hour after its last use
        var waited = Stopwatch.StartNew();
        while (buckets.Count > 0 && waited.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(10);

        Assert.Equal(0, buckets.Count);
        await sweep.StopAsync(default);
    }
}
