using System.Net;
using Vault.Tests.Support;

namespace Vault.Tests.Proxy;

[Collection(ProcessMeasurements.Name)]
public class StreamingTests
{
    [Fact]
    public async Task AFiftyMegabyteResponseStreamsThroughWithoutBeingBuffered()
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        const int size = 50 * 1024 * 1024;
        using (var warm = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/_sim/bytes?size=1024", seeded.Secret))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        GC.Collect();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var request = vault.Request(HttpMethod.Get, $"/v1/sellers/seller-1/sp-api/_sim/bytes?size={size}", seeded.Secret);
        using var response = await vault.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            for (var i = 0; i < read; i++)
            {
                if (buffer[i] != (byte)((total + i) % 251))
                    Assert.Fail($"byte {total + i} is wrong");
            }
            total += read;
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Equal(size, total);
        // Vault, simulator and client share this process: if any of them held the body, allocations would pass 50 MB.
        Assert.True(allocated < 8 * 1024 * 1024, $"allocated {allocated / 1024 / 1024.0:F1} MiB while streaming 50 MiB");
    }
}
