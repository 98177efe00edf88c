using Vault.Storage;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

public abstract partial class VaultStoreContract
{
    [Fact]
    public async Task ReplacingBlobsSwapsEveryRowAndAppendsTheAuditEvent()
    {
        await using var store = await CreateStoreAsync();
        var sp = Connection();
        var ads = Connection(api: ApiNames.Ads);
        await store.UpsertConnectionAsync(sp, Audit());
        await store.UpsertConnectionAsync(ads, Audit());
        byte[] newSp = NewBlob(), newAds = NewBlob();

        var replaced = await store.ReplaceBlobsAsync(
            "tenant-a",
            "A1SELLER",
            [new(ApiNames.SpApi, sp.Blob, newSp, "databorder"), new(ApiNames.Ads, ads.Blob, newAds, "v1")],
            Audit(action: "seller.rotated", api: null));

        Assert.True(replaced);
        var spNow = await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi);
        Assert.Equal(newSp, spNow!.Blob);
        Assert.Equal("databorder", spNow.Format);
        Assert.Equal(newAds, (await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.Ads))!.Blob);
        Assert.Equal("seller.rotated", (await store.QueryAuditAsync("tenant-a", null, null, 1, null)).Items.Single().Action);
    }

    [Fact]
    public async Task ReplacingBlobsWithOneStaleExpectedBlobChangesNothing()
    {
        await using var store = await CreateStoreAsync();
        var sp = Connection();
        var ads = Connection(api: ApiNames.Ads);
        await store.UpsertConnectionAsync(sp, Audit());
        await store.UpsertConnectionAsync(ads, Audit());

        var replaced = await store.ReplaceBlobsAsync(
            "tenant-a",
            "A1SELLER",
            [new(ApiNames.SpApi, sp.Blob, NewBlob(), "v1"), new(ApiNames.Ads, NewBlob(), NewBlob(), "v1")],
            Audit(action: "seller.rotated", api: null));

        Assert.False(replaced);
        AssertSameConnection(sp, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
        AssertSameConnection(ads, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.Ads));
        Assert.DoesNotContain("seller.rotated", (await store.QueryAuditAsync("tenant-a", null, null, 10, null)).Items.Select(e => e.Action));
    }

    [Fact]
    public async Task ReplacingTheBlobOfAMissingConnectionChangesNothing()
    {
        await using var store = await CreateStoreAsync();
        var sp = Connection();
        await store.UpsertConnectionAsync(sp, Audit());

        var replaced = await store.ReplaceBlobsAsync(
            "tenant-a",
            "A1SELLER",
            [new(ApiNames.SpApi, sp.Blob, NewBlob(), "v1"), new(ApiNames.Ads, NewBlob(), NewBlob(), "v1")],
            null);

        Assert.False(replaced);
        AssertSameConnection(sp, await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
    }

    [Fact]
    public async Task ASecondRotationFromTheSameOldBlobLoses()
    {
        await using var store = await CreateStoreAsync();
        var sp = Connection();
        await store.UpsertConnectionAsync(sp, Audit());
        byte[] winner = NewBlob(), loser = NewBlob();

        Assert.True(await store.ReplaceBlobsAsync("tenant-a", "A1SELLER", [new(ApiNames.SpApi, sp.Blob, winner, "v1")], null));
        Assert.False(await store.ReplaceBlobsAsync("tenant-a", "A1SELLER", [new(ApiNames.SpApi, sp.Blob, loser, "v1")], null));

        Assert.Equal(winner, (await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi))!.Blob);
    }
}
