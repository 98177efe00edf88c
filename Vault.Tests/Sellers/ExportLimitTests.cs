using System.Net;
using Vault.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.Sellers;

/// <summary>An export costs two key derivations and an audit row: it counts as a write (issue 13, defect 7).</summary>
public class ExportLimitTests
{
    [Fact]
    public async Task ExportsAreRateLimitedLikeOtherWritesWithoutSlowingOtherTenants()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 125; i++)
        {
            using var response = await vault.ExportAsync($"seller-{i}", "sp-api", secret, vault.Jwt(tenant: "busy"));
            statuses.Add(response.StatusCode);
        }
        using var other = await vault.ExportAsync("seller-1", "sp-api", secret, vault.Jwt(tenant: "calm"));
        using var read = await vault.SendAsync(HttpMethod.Get, "/v1/sellers", jwt: vault.Jwt(tenant: "busy"));

        Assert.All(statuses.Take(120), s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Contains((HttpStatusCode)429, statuses.Skip(120));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}
