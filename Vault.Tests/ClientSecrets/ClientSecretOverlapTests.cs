using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Vault.AmazonSimulator;
using Vault.Api.Amazon;
using Vault.Api.ClientSecrets;
using Vault.Api.Observability;
using Vault.Tests.Support;

namespace Vault.Tests.ClientSecrets;

/// <summary>
/// Issue 16, overlap: with SPAPI_LWA_CLIENT_SECRET and SPAPI_LWA_CLIENT_SECRET_PREVIOUS (and the Ads pair) an operator
/// rotates in either order. On invalid_client the vault tries the other secret once and keeps the one that works.
/// </summary>
public class ClientSecretOverlapTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string OldSecret = "sim-spapi-secret-old";
    private const string NewSecret = "sim-spapi-secret-new";
    private const string Orders = "/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER";

    private static Task<VaultHarness> StartAsync(string current, string previous, string accepted, string api = "SPAPI", TimeSpan? tokenLifetime = null) =>
        VaultHarness.StartAsync(
            settings =>
            {
                settings[$"{api}_LWA_CLIENT_SECRET"] = TestSecrets.Add("configured-client-secret", current);
                settings[$"{api}_LWA_CLIENT_SECRET_PREVIOUS"] = TestSecrets.Add("configured-client-secret", previous);
                // The load tests call far past getOrders' usage plan on purpose: what they measure is LWA, not pacing.
                settings["AMAZON_PACING"] = "false";
            },
            simulator =>
            {
                var clientId = api == "ADS" ? SimulatorOptions.DefaultAdsClientId : SimulatorOptions.DefaultSpApiClientId;
                simulator.AcceptedClientSecrets[clientId] = [accepted];
                if (tokenLifetime is { } lifetime)
                    simulator.AccessTokenLifetime = lifetime;
                simulator.DefaultRateLimit = new RateLimit(100_000, 100_000); // the load tests are about LWA, not getOrders' quota
            });

    private static MetricCollector<int> InUse(VaultHarness vault) =>
        new(vault.Services.GetRequiredService<IMeterFactory>(), VaultMetrics.MeterName, "vault.lwa.client_secret.in_use");

    private static string? LastInUse(MetricCollector<int> collector, string api) =>
        collector.GetMeasurementSnapshot().LastOrDefault(m => m.Value == 1 && Equals(m.Tags["api"], api))?.Tags["secret"] as string;

    [Fact]
    public async Task AnInvalidClientRefreshIsRetriedOnceWithThePreviousSecretWhichIsThenKept()
    {
        await using var vault = await StartAsync(current: NewSecret, previous: OldSecret, accepted: OldSecret);
        using var inUse = InUse(vault);
        var first = await Seed.ConnectionAsync(vault, "seller-1");
        var second = await Seed.ConnectionAsync(vault, "seller-2");

        using (var call = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1" + Orders, first.Secret))
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Equal(2, vault.Simulator.State.Calls.TokenCallsByGrantType["refresh_token"]);
        using (var call = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-2" + Orders, second.Secret))
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);

        // The second seller's refresh went straight to the secret that worked: one LWA call, not two.
        Assert.Equal(3, vault.Simulator.State.Calls.TokenCallsByGrantType["refresh_token"]);
        Assert.Equal(ClientSecretSlot.Previous, vault.Services.GetRequiredService<LwaClientSecrets>().For(AmazonApi.SpApi).InUse);
        Assert.Equal("previous", LastInUse(inUse, "sp-api"));
        var metrics = await vault.Http.GetStringAsync("/metrics");
        var line = Assert.Single(metrics.Split('\n'), l => l.StartsWith("vault_lwa_client_secret_in_use{", StringComparison.Ordinal)
            && l.Contains("api=\"sp-api\"", StringComparison.Ordinal) && l.Contains("secret=\"previous\"", StringComparison.Ordinal));
        Assert.EndsWith(" 1", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAdsCodeExchangeRefusedWithInvalidClientIsRetriedWithThePreviousSecret()
    {
        await using var vault = await StartAsync(current: "sim-ads-secret-new", previous: "sim-ads-secret-old", accepted: "sim-ads-secret-old", api: "ADS");
        var redirect = vault.Services.GetRequiredService<Vault.Api.Configuration.VaultOptions>().CallbackUri;
        var code = vault.Simulator.State.Codes.Issue(SimulatorOptions.DefaultAdsClientId, redirect.ToString(), null, "advertising::campaign_management");
        var lwa = vault.Services.GetRequiredService<Vault.Api.Amazon.LwaClient>();

        var result = await lwa.ExchangeCodeAsync(Region.NorthAmerica, AmazonApi.Ads, code, redirect, CancellationToken.None);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(ClientSecretSlot.Previous, vault.Services.GetRequiredService<LwaClientSecrets>().For(AmazonApi.Ads).InUse);
        Assert.Equal(ClientSecretSlot.Current, vault.Services.GetRequiredService<LwaClientSecrets>().For(AmazonApi.SpApi).InUse);
    }

    [Fact]
    public async Task WhenNeitherSecretIsAcceptedTheCallFailsAndNothingSwitches()
    {
        await using var vault = await StartAsync(current: NewSecret, previous: OldSecret, accepted: "a-third-secret");
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");

        using var call = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1" + Orders, seeded.Secret);

        Assert.False(call.IsSuccessStatusCode);
        Assert.Equal(2, vault.Simulator.State.Calls.TokenCallsByGrantType["refresh_token"]);
        Assert.Equal(ClientSecretSlot.Current, vault.Services.GetRequiredService<LwaClientSecrets>().For(AmazonApi.SpApi).InUse);
    }

    /// <summary>
    /// The rotation under load: Amazon first accepts only the old secret, then (as after its 7-day overlap) only the new
    /// one, while proxied calls keep refreshing (2 s access tokens). Either order of the two variables: no call fails.
    /// </summary>
    [Theory]
    [Trait("Category", "Slow")]
    [InlineData(true)]
    [InlineData(false)]
    public async Task NoProxiedCallFailsWhileAmazonMovesFromTheOldSecretToTheNew(bool newIsCurrent)
    {
        await using var vault = await StartAsync(
            current: newIsCurrent ? NewSecret : OldSecret, previous: newIsCurrent ? OldSecret : NewSecret, accepted: OldSecret, tokenLifetime: TimeSpan.FromSeconds(2));
        const int sellers = 6;
        var seeded = new Seed.Seeded[sellers];
        for (var i = 0; i < sellers; i++)
            seeded[i] = await Seed.ConnectionAsync(vault, $"seller-{i}");
        var (succeeded, failed, refreshesAfterSwitch) = (0, 0, 0);
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        var switchAt = TimeSpan.FromSeconds(2.5);
        var switched = false;

        var workers = Enumerable.Range(0, sellers * 2).Select(w => Task.Run(async () =>
        {
            var seller = w % sellers;
            while (clock.Elapsed < TimeSpan.FromSeconds(6))
            {
                using var call = await vault.SendAsync(HttpMethod.Get, $"/v1/sellers/seller-{seller}" + Orders, seeded[seller].Secret);
                if (call.IsSuccessStatusCode)
                    Interlocked.Increment(ref succeeded);
                else
                {
                    Interlocked.Increment(ref failed);
                    failures.Add($"{(int)call.StatusCode} {await call.Content.ReadAsStringAsync()}");
                }
            }
        })).ToList();
        await Task.Delay(switchAt);
        var before = vault.Simulator.State.Calls.TokenCallsByGrantType["refresh_token"];
        using (var rotated = await vault.Simulator.Http.PostAsJsonAsync("/_sim/client-secrets", new { clientId = SimulatorOptions.DefaultSpApiClientId, secrets = new[] { NewSecret } }))
            Assert.Equal(HttpStatusCode.NoContent, rotated.StatusCode);
        switched = true;
        await Task.WhenAll(workers);
        refreshesAfterSwitch = vault.Simulator.State.Calls.TokenCallsByGrantType["refresh_token"] - before;

        Assert.True(switched);
        Assert.True(failed == 0, $"{failed} of {succeeded + failed} calls failed: {string.Join(" | ", failures.Take(3))}");
        Assert.True(succeeded > 50, $"only {succeeded} calls");
        Assert.True(refreshesAfterSwitch >= sellers, $"only {refreshesAfterSwitch} refreshes after the switch");
        var expected = newIsCurrent ? ClientSecretSlot.Current : ClientSecretSlot.Previous;
        Assert.Equal(expected, vault.Services.GetRequiredService<LwaClientSecrets>().For(AmazonApi.SpApi).InUse);
        output.WriteLine($"overlap rotation (new is {(newIsCurrent ? "current" : "previous")}): {succeeded} calls, {failed} failed, {refreshesAfterSwitch} refreshes after the switch");
    }
}
