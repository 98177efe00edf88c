using Vault.Storage;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

public abstract partial class VaultStoreContract
{
    [Fact]
    public async Task ListingSellersVisitsEverySellerOnceInOrderAcrossPages()
    {
        await using var store = await CreateStoreAsync();
        var sellers = Enumerable.Range(0, 23).Select(i => $"S{i:D2}").ToList();
        foreach (var seller in sellers)
        {
            await store.UpsertConnectionAsync(Connection(seller: seller), Audit(seller: seller));
            if (seller.EndsWith('3'))
            {
                await store.UpsertConnectionAsync(Connection(seller: seller, api: ApiNames.Ads), Audit(seller: seller));
            }

            await store.UpsertConnectionAsync(Connection(tenant: "tenant-b", seller: seller + "X"), Audit(tenant: "tenant-b", seller: seller + "X"));
        }

        var seen = new List<SellerSummary>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await store.ListSellersAsync("tenant-a", 5, cursor);
            Assert.InRange(page.Items.Count, 1, 5);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(5, pages);
        Assert.Equal(sellers, seen.Select(s => s.SellerId));
        Assert.All(seen, s => Assert.Equal(s.SellerId.EndsWith('3') ? 2 : 1, s.Connections.Count));
        Assert.All(seen.SelectMany(s => s.Connections), c => Assert.Equal("tenant-a", c.Tenant));
    }

    [Fact]
    public async Task AFullLastPageHasNoNextCursor()
    {
        await using var store = await CreateStoreAsync();
        foreach (var seller in new[] { "A", "B", "C", "D" })
        {
            await store.UpsertConnectionAsync(Connection(seller: seller), Audit(seller: seller));
        }

        var first = await store.ListSellersAsync("tenant-a", 2, null);
        var second = await store.ListSellersAsync("tenant-a", 2, first.NextCursor);

        Assert.Equal(["C", "D"], second.Items.Select(s => s.SellerId));
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task TheSellerLimitIsClampedToOneThroughFiveHundred()
    {
        await using var store = await CreateStoreAsync();
        foreach (var seller in new[] { "A", "B", "C" })
        {
            await store.UpsertConnectionAsync(Connection(seller: seller), Audit(seller: seller));
        }

        var tiny = await store.ListSellersAsync("tenant-a", 0, null);
        var huge = await store.ListSellersAsync("tenant-a", int.MaxValue, null);

        Assert.Single(tiny.Items);
        Assert.NotNull(tiny.NextCursor);
        Assert.Equal(3, huge.Items.Count);
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("")]
    [InlineData("QQ==")]
    [InlineData("_w")]
    public async Task AMalformedCursorIsAnArgumentException(string cursor)
    {
        await using var store = await CreateStoreAsync();

        var sellers = await Assert.ThrowsAsync<ArgumentException>(() => store.ListSellersAsync("tenant-a", 10, cursor));
        var audit = await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAuditAsync("tenant-a", null, null, 10, cursor));

        Assert.Contains("cursor", sellers.Message, StringComparison.Ordinal);
        Assert.Contains("cursor", audit.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAuditCursorThatIsNotAnIdIsAnArgumentException()
    {
        await using var store = await CreateStoreAsync();
        var sellerCursor = (await ListOneSellerPageAsync(store)).NextCursor!;

        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAuditAsync("tenant-a", null, null, 10, sellerCursor));
    }

    [Fact]
    public async Task TheAuditLogIsReturnedNewestFirstWithEveryField()
    {
        await using var store = await CreateStoreAsync();
        var first = Audit(action: "one") with { At = Created };
        var second = new AuditEvent("tenant-a", "two", "system") { At = Created.AddSeconds(1) };
        await store.AppendAuditAsync(first);
        await store.AppendAuditAsync(second);

        var items = (await store.QueryAuditAsync("tenant-a", null, null, 10, null)).Items;

        Assert.Equal(2, items.Count);
        Assert.True(items[0].Id > items[1].Id);
        Assert.Equal(second with { Id = items[0].Id }, items[0]);
        Assert.Equal(first with { Id = items[1].Id }, items[1]);
    }

    [Fact]
    public async Task TheAuditLogFiltersBySellerAndSince()
    {
        await using var store = await CreateStoreAsync();
        for (var i = 0; i < 6; i++)
        {
            var seller = i % 2 == 0 ? "EVEN" : "ODD";
            await store.AppendAuditAsync(Audit(action: $"event-{i}", seller: seller) with { At = Created.AddMinutes(i) });
        }

        var even = await store.QueryAuditAsync("tenant-a", "EVEN", null, 10, null);
        var recent = await store.QueryAuditAsync("tenant-a", null, Created.AddMinutes(3), 10, null);
        var recentOdd = await store.QueryAuditAsync("tenant-a", "ODD", Created.AddMinutes(3), 10, null);

        Assert.Equal(["event-4", "event-2", "event-0"], even.Items.Select(e => e.Action));
        Assert.Equal(["event-5", "event-4", "event-3"], recent.Items.Select(e => e.Action));
        Assert.Equal(["event-5", "event-3"], recentOdd.Items.Select(e => e.Action));
    }

    [Fact]
    public async Task TheAuditLogPagesWithoutGapsOrDuplicates()
    {
        await using var store = await CreateStoreAsync();
        for (var i = 0; i < 12; i++)
        {
            await store.AppendAuditAsync(Audit(action: $"event-{i}", seller: i % 3 == 0 ? "A" : "B"));
        }

        var seen = new List<AuditEvent>();
        string? cursor = null;
        do
        {
            var page = await store.QueryAuditAsync("tenant-a", "B", null, 3, cursor);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        var expected = Enumerable.Range(0, 12).Where(i => i % 3 != 0).Reverse().Select(i => $"event-{i}");
        Assert.Equal(expected, seen.Select(e => e.Action));
        Assert.Equal(seen.Count, seen.Select(e => e.Id).Distinct().Count());
    }

    private static async Task<Page<SellerSummary>> ListOneSellerPageAsync(IVaultStore store)
    {
        await store.UpsertConnectionAsync(Connection(seller: "A"), Audit(seller: "A"));
        await store.UpsertConnectionAsync(Connection(seller: "B"), Audit(seller: "B"));
        return await store.ListSellersAsync("tenant-a", 1, null);
    }
}
