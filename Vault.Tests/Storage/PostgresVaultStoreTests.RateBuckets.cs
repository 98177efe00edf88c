using Npgsql;

namespace Vault.Tests.Storage;

/// <summary>Pacing's rows: what the sweep deletes, across tenants, as the serving role.</summary>
public sealed partial class PostgresVaultStoreTests
{
    [Fact]
    public async Task ABucketFullAndUnusedForAnHourIsDeletedWhateverItsTenantAndRate()
    {
        await using var store = await CreatePostgresStoreAsync();
        var buckets = store.RateBuckets;
        var oneMinute = TimeSpan.FromMinutes(1);
        await buckets.ReserveAsync("tenant-a", "reported", 1, 2, oneMinute, default);
        await buckets.SetRateAsync("tenant-a", "reported", 0.5, default);
        await buckets.ReserveAsync("tenant-b", "default", 1, 2, oneMinute, default);
        await buckets.ReserveAsync("tenant-b", "recent", 1, 2, oneMinute, default);
        // Five calls queued on a reported 0.0005/s: hours before Amazon's bucket has paid them back.
        await buckets.ReserveAsync("tenant-a", "draining", 1, 2, oneMinute, default);
        await buckets.SetRateAsync("tenant-a", "draining", 0.0005, default);
        for (var i = 0; i < 5; i++)
            await buckets.ReserveAsync("tenant-a", "draining", 1, 2, TimeSpan.FromDays(1), default);

        // The buckets run on the database's clock: their last use moves back instead.
        await using (var raw = await OpenRawAsync())
        {
            await ExecuteAsync(raw, "UPDATE rate_buckets SET refilled_at = refilled_at - interval '61 minutes' WHERE bucket <> 'recent';");
            await ExecuteAsync(raw, "UPDATE rate_buckets SET refilled_at = refilled_at - interval '59 minutes' WHERE bucket = 'recent';");
        }

        Assert.Equal(2, await buckets.SweepIdleAsync(default));

        await using var check = await OpenRawAsync();
        await using var command = new NpgsqlCommand("SELECT string_agg(tenant || '/' || bucket, ' ' ORDER BY tenant, bucket) FROM rate_buckets;", check);
        Assert.Equal("tenant-a/draining tenant-b/recent", await command.ExecuteScalarAsync());
        // Learnt again from the next answer's x-amzn-RateLimit-Limit; until then the usage plan's rate.
        Assert.Equal(1, (await buckets.ReserveAsync("tenant-a", "reported", 1, 2, oneMinute, default)).Rate);
        Assert.Equal(0, await buckets.SweepIdleAsync(default));
    }
}
