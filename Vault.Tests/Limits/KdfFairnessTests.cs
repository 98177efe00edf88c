using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Vault.Api.Tokens;
using Vault.Tests.Support;

namespace Vault.Tests.Limits;

/// <summary>One tenant cannot take the whole key-derivation queue while another waits (issue 13, defect 7).</summary>
public class KdfFairnessTests
{
    [Fact]
    public async Task ATenantFloodingTheKdfQueueCannotMakeAnotherTenantsCallBusy()
    {
        await using var vault = await VaultHarness.StartAsync(host: builder => builder.Services.AddSingleton(new KdfGate(1, 4)));
        var gate = vault.Services.GetRequiredService<KdfGate>();
        var flood = new List<Seed.Seeded>();
        for (var i = 0; i < 8; i++)
            flood.Add(await Seed.ConnectionAsync(vault, $"seller-{i}", tenant: "noisy"));
        var calm = await Seed.ConnectionAsync(vault, "seller-1", tenant: "calm");
        // The one slot is taken, so every cold call queues and the queue's shares decide who is refused.
        using var release = new ManualResetEventSlim();
        var holder = Task.Run(() => gate.RunAsync("holder", () => { release.Wait(); return 0; }, CancellationToken.None));
        while (gate.Derivations == 0)
            await Task.Delay(10);

        var noisy = flood.Select((s, i) => Call(vault, $"seller-{i}", s.Secret, "noisy")).ToList();
        // Every noisy call is either queued or already answered busy.
        while (gate.Waiting + noisy.Count(t => t.IsCompleted) < noisy.Count)
            await Task.Delay(10);
        var calmCall = Call(vault, "seller-1", calm.Secret, "calm");
        while (gate.Waiting + noisy.Count(t => t.IsCompleted) < noisy.Count + 1 && !calmCall.IsCompleted)
            await Task.Delay(10);
        release.Set();
        await holder;

        Assert.Equal(HttpStatusCode.OK, await calmCall);
        var statuses = await Task.WhenAll(noisy);
        Assert.Equal(4 / 2, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.ServiceUnavailable, s));
    }

    [Fact]
    public async Task TheGateGivesEachTenantAtMostHalfTheQueue()
    {
        using var gate = new KdfGate(1, 4);
        using var release = new ManualResetEventSlim();
        var running = Task.Run(() => gate.RunAsync("a", () => { release.Wait(); return 1; }, CancellationToken.None));
        while (gate.Derivations == 0)
            await Task.Delay(10);

        var queuedA = Enumerable.Range(0, 2).Select(_ => gate.RunAsync("a", () => 2, CancellationToken.None)).ToList();
        var refusedA = await gate.RunAsync("a", () => 3, CancellationToken.None);
        var queuedB = Enumerable.Range(0, 2).Select(_ => gate.RunAsync("b", () => 4, CancellationToken.None)).ToList();
        var refusedB = await gate.RunAsync("b", () => 5, CancellationToken.None);
        release.Set();

        Assert.False(refusedA.Ran);
        Assert.False(refusedB.Ran);
        Assert.Equal((true, 1), await running);
        Assert.All(await Task.WhenAll(queuedA), r => Assert.Equal((true, 2), r));
        Assert.All(await Task.WhenAll(queuedB), r => Assert.Equal((true, 4), r));
    }

    private static async Task<HttpStatusCode> Call(VaultHarness vault, string sellerId, string secret, string tenant)
    {
        using var response = await vault.SendAsync(HttpMethod.Get, $"/v1/sellers/{sellerId}/sp-api/sellers/v1/marketplaceParticipations", secret, jwt: vault.Jwt(tenant: tenant));
        return response.StatusCode;
    }
}
