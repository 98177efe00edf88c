namespace Vault.Tests.Storage;

public abstract partial class VaultStoreContract
{
    // Near the real clock: creating an id also purges ids that expired over a day before the real now.
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    [Fact]
    public async Task AOneTimeIdIsConsumedExactlyOnce()
    {
        await using var store = await CreateStoreAsync();
        await store.CreateOneTimeAsync("state", "abc", Now.AddMinutes(10));

        Assert.True(await store.ConsumeOneTimeAsync("state", "abc", Now));
        Assert.False(await store.ConsumeOneTimeAsync("state", "abc", Now.AddSeconds(1)));
    }

    [Fact]
    public async Task AnExpiredOneTimeIdIsRefused()
    {
        await using var store = await CreateStoreAsync();
        await store.CreateOneTimeAsync("state", "abc", Now);

        Assert.False(await store.ConsumeOneTimeAsync("state", "abc", Now));
        Assert.False(await store.ConsumeOneTimeAsync("state", "abc", Now.AddMinutes(1)));
    }

    [Fact]
    public async Task AnUnknownOneTimeIdIsRefused()
    {
        await using var store = await CreateStoreAsync();
        await store.CreateOneTimeAsync("state", "abc", Now.AddMinutes(10));

        Assert.False(await store.ConsumeOneTimeAsync("state", "abd", Now));
        Assert.False(await store.ConsumeOneTimeAsync("ticket", "abc", Now));
        Assert.True(await store.ConsumeOneTimeAsync("state", "abc", Now));
    }

    [Fact]
    public async Task AConsumedOneTimeIdStaysConsumedAfterARestart()
    {
        await using (var before = await CreateStoreAsync())
        {
            await before.CreateOneTimeAsync("state", "used", Now.AddMinutes(10));
            await before.CreateOneTimeAsync("state", "fresh", Now.AddMinutes(10));
            Assert.True(await before.ConsumeOneTimeAsync("state", "used", Now));
        }

        await using var after = await CreateStoreAsync();

        Assert.False(await after.ConsumeOneTimeAsync("state", "used", Now));
        Assert.True(await after.ConsumeOneTimeAsync("state", "fresh", Now));
    }

    [Fact]
    public async Task TwentyConcurrentConsumersGetExactlyOneSuccess()
    {
        await using var first = await CreateStoreAsync();
        await using var second = await CreateStoreAsync();
        await first.CreateOneTimeAsync("ticket", "race", Now.AddMinutes(10));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var consumers = Enumerable.Range(0, 20)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await (i % 2 == 0 ? first : second).ConsumeOneTimeAsync("ticket", "race", Now);
            }))
            .ToList();
        start.SetResult();
        var results = await Task.WhenAll(consumers);

        Assert.Single(results, consumed => consumed);
    }
}
