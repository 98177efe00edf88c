using System.Net;
using System.Text.Json;
using Vault.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.Sellers;

public class TenantIsolationTests
{
    [Fact]
    public async Task AnotherTenantGetsNotFoundOnEveryEndpointAndChangesNothing()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        var tenantA = vault.Jwt(tenant: "tenant-a");
        var tenantB = vault.Jwt(tenant: "tenant-b");
        await vault.ConnectAsync("seller-1", secret, jwt: tenantA);
        var before = (await vault.Store.GetConnectionAsync("tenant-a", "seller-1", "sp-api"))!;

        using var get = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1", jwt: tenantB);
        using var list = await vault.SendAsync(HttpMethod.Get, "/v1/sellers", jwt: tenantB);
        using var verify = await vault.VerifyAsync("seller-1", "sp-api", secret, tenantB);
        using var export = await vault.ExportAsync("seller-1", "sp-api", secret, tenantB);
        using var rotate = await vault.RotateAsync("seller-1", secret, SellerSecret.Generate(), tenantB);
        using var deleteOne = await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-1/connections/sp-api", jwt: tenantB);
        using var deleteAll = await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-1", jwt: tenantB);
        using var audit = await vault.SendAsync(HttpMethod.Get, "/v1/audit?sellerId=seller-1", jwt: tenantB);

        await get.AssertProblemAsync(HttpStatusCode.NotFound, "seller_not_found");
        Assert.Empty((await list.OkJsonAsync()).GetProperty("sellers").EnumerateArray());
        await verify.AssertProblemAsync(HttpStatusCode.NotFound, "connection_not_found");
        await export.AssertProblemAsync(HttpStatusCode.NotFound, "connection_not_found");
        await rotate.AssertProblemAsync(HttpStatusCode.NotFound, "seller_not_found");
        await deleteOne.AssertProblemAsync(HttpStatusCode.NotFound, "connection_not_found");
        await deleteAll.AssertProblemAsync(HttpStatusCode.NotFound, "seller_not_found");
        Assert.Empty((await audit.OkJsonAsync()).GetProperty("events").EnumerateArray());

        var after = await vault.Store.GetConnectionAsync("tenant-a", "seller-1", "sp-api");
        Assert.Equal(before.Blob, after!.Blob);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        Assert.Equal(0, vault.RefreshCalls());
        var events = await vault.Store.QueryAuditAsync("tenant-a", null, null, 50, null);
        Assert.Equal(["connection.imported"], events.Items.Select(e => e.Action));
        await (await vault.VerifyAsync("seller-1", "sp-api", secret, tenantA)).OkJsonAsync();
    }

    [Fact]
    public async Task TheSameSellerIdUnderAnotherTenantIsAConnectionOfItsOwn()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secretA = SellerSecret.Generate();
        var secretB = SellerSecret.Generate();
        var tokenA = await vault.ConnectAsync("seller-1", secretA, jwt: vault.Jwt(tenant: "tenant-a"));

        var tokenB = await vault.ConnectAsync("seller-1", secretB, jwt: vault.Jwt(tenant: "tenant-b"));
        using var listA = await vault.SendAsync(HttpMethod.Get, "/v1/sellers", jwt: vault.Jwt(tenant: "tenant-a"));

        Assert.True((await vault.OpenStoredAsync("seller-1", "sp-api", secretA, "tenant-a")).Token?.Value == tokenA);
        Assert.True((await vault.OpenStoredAsync("seller-1", "sp-api", secretB, "tenant-b")).Token?.Value == tokenB);
        var sellers = (await listA.OkJsonAsync()).GetProperty("sellers");
        Assert.Equal(1, sellers.GetArrayLength());
        Assert.Equal(JsonValueKind.Array, sellers[0].GetProperty("connections").ValueKind);
    }
}
