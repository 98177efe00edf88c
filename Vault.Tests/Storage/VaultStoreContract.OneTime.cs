namespace Vault.Tests.Storage;

public abstract partial class VaultStoreContract
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private static byte[] Payload(string text) => System.Text.Encoding.UTF8.GetBytes("sealed:" + text);

    [Fact]
    public async Task AOneTimeIdIsTakenExactlyOnceWithItsPayload()
    {
        await using var store = await CreateStoreAsync();
        await store.CreateOneTimeAsync("state", "abc", Now.AddMinutes(10), Payload("abc"));

        Assert.Equal(Payload("abc"), await store.TakeOneTimeAsync("state", "abc", Now));
        Assert.Null(await store.TakeOneTimeAsync("state", "abc", Now.AddSeconds(1)));
    }

    [Fact]
    public async Task AnExpiredOneTimeIdIsRefusedAndDeleted()
    {
        await using var store = await CreateStoreAsync();
        await store.CreateOneTimeAsync("state", "abc", Now, Payload("abc"));
        await store.CreateOneTimeAsync("state", "later", Now.AddMinutes(10), Payload("later"));

        Assert.Null(await store.TakeOneTimeAsync("state", "abc", Now));
        Assert.Null(await store.TakeOneTimeAsync("state", "later", Now.AddMinutes(10)));
        Assert.Equal(0, await store.PurgeExpiredOneTimeAsync(Now.AddDays(1)));
    }

    [Fact]
    public async Task AnUnknownOneTimeIdIsRefused()
    {
        await using var store = await CreateStoreAsync();
        await store.CreateOneTimeAsync("state", "abc", Now.AddMinutes(10), Payload("abc"));

        Assert.Null(await store.TakeOneTimeAsync("state", "abd", Now));
        Assert.Null(await store.TakeOneTimeAsync("ticket", "abc", Now));
        Assert.Equal(Payload("abc"), await store.TakeOneTimeAsync("state", "abc", Now));
    }

    [Fact]
    public async Task ATakenOneTimeIdStaysTakenAfterARestart()
    {
        await using (var before = await CreateStoreAsync())
        {
            await before.CreateOneTimeAsync("state", "used", Now.AddMinutes(10), Payload("used"));
            await before.CreateOneTimeAsync("state", "fresh", Now.AddMinutes(10), Payload("fresh"));
            Assert.NotNull(await before.TakeOneTimeAsync("state", "used", Now));
        }

        await using var after = await CreateStoreAsync();

        Assert.Null(await after.TakeOneTimeAsync("state", "used", Now));
        Assert.Equal(Payload("fresh"), await after.TakeOneTimeAsync("state", "fresh", Now));
    }

    [Fact]
    public async Task PurgingDeletesExactlyTheIdsExpiredByThen()
    {
        await using var store = await CreateStoreAsync();
        await store.CreateOneTimeAsync("ticket", "gone", Now.AddMinutes(-1), Payload("gone"));
        await store.CreateOneTimeAsync("state", "at-the-edge", Now, Payload("edge"));
        await store.CreateOneTimeAsync("state", "live", Now.AddMilliseconds(1), Payload("live"));

        Assert.Equal(2, await store.PurgeExpiredOneTimeAsync(Now));

        Assert.Equal(0, await store.PurgeExpiredOneTimeAsync(Now));
        Assert.Equal(Payload("live"), await store.TakeOneTimeAsync("state", "live", Now));
    }

    [Fact]
    public async Task ADuplicateOneTimeIdIsRefusedWithoutNamingIt()
    {
        await using var store = await CreateStoreAsync();
        await store.CreateOneTimeAsync("state", "secret-state-value", Now.AddMinutes(10), Payload("first"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => store.CreateOneTimeAsync("state", "secret-state-value", Now.AddMinutes(10), Payload("second")));

        Assert.DoesNotContain("secret-state-value", error.Message, StringComparison.Ordinal);
        Assert.Equal(Payload("first"), await store.TakeOneTimeAsync("state", "secret-state-value", Now));
    }

    [Fact]
    public async Task TwentyConcurrentTakersGetThePayloadExactlyOnce()
    {
        await using var first = await CreateStoreAsync();
        await using var second = await CreateStoreAsync();
        await first.CreateOneTimeAsync("ticket", "race", Now.AddMinutes(10), Payload("race"));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var takers = Enumerable.Range(0, 20)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await (i % 2 == 0 ? first : second).TakeOneTimeAsync("ticket", "race", Now);
            }))
            .ToList();
        start.SetResult();
        var results = await Task.WhenAll(takers);

        Assert.Equal(Payload("race"), Assert.Single(results, payload => payload is not null));
    }
}
