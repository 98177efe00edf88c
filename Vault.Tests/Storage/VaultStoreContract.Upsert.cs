using Vault.Storage;
using static Vault.Tests.Storage.Samples;

namespace Vault.Tests.Storage;

public abstract partial class VaultStoreContract
{
    [Fact]
    public async Task AnUpsertWithoutASellingPartnerIdKeepsTheStoredOne()
    {
        await using var store = await CreateStoreAsync();
        var first = Connection();
        var reimport = Connection() with { SellingPartnerId = null, Region = "na", CreatedAt = Created.AddDays(1), UpdatedAt = Created.AddDays(1) };

        await store.UpsertConnectionAsync(first, Audit());
        await store.UpsertConnectionAsync(reimport, Audit(action: "connection.imported"));

        AssertSameConnection(
            reimport with { SellingPartnerId = first.SellingPartnerId, CreatedAt = first.CreatedAt },
            await store.GetConnectionAsync("tenant-a", "A1SELLER", ApiNames.SpApi));
    }
}
