using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vault.Tests.Support;

namespace Vault.Tests.Observability;

/// <summary>What the vault does not start: ASP.NET data protection's key ring, which nothing in the vault uses.</summary>
public sealed class StartupFootprintTests
{
    [Fact]
    public async Task NoDataProtectionKeyRingIsLoadedAtStartYetCallersAreStillAuthenticated()
    {
        await using var vault = await VaultHarness.StartAsync();

        var started = vault.Services.GetServices<IHostedService>().Select(service => service.GetType().Name).ToList();
        using var response = await vault.SendAsync(HttpMethod.Get, "/v1/sellers");

        Assert.DoesNotContain("DataProtectionHostedService", started);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
