using System.Globalization;
using System.Net;
using Vault.Tests.Support;

namespace Vault.Tests.Observability;

/// <summary>Each vault app has its own metrics: two in one process never see each other's numbers on /metrics.</summary>
public class MetricsIsolationTests
{
    private const string Proxied = "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations";

    [Fact]
    public async Task TwoVaultsInOneProcessEachShowOnlyTheirOwnNumbers()
    {
        await using var busy = await VaultHarness.StartAsync();
        await using var idle = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(busy, "seller-1");
        for (var i = 0; i < 3; i++)
        {
            using var call = await busy.SendAsync(HttpMethod.Get, Proxied, seeded.Secret);
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        var busyText = await MetricsTextAsync(busy);
        var idleText = await MetricsTextAsync(idle);

        // The first call mints (a miss and one LWA refresh), the next two find the token.
        Assert.Equal(1, Value(busyText, "vault_access_token_cache_total{result=\"miss\"}"));
        Assert.Equal(2, Value(busyText, "vault_access_token_cache_total{result=\"hit\"}"));
        Assert.Equal(1, Value(busyText, "vault_lwa_calls_total{grant=\"refresh_token\",outcome=\"None\"}"));
        Assert.Equal(3, Value(busyText, "vault_amazon_responses_total{host=\"sellingpartnerapi-na.amazon.com\",status=\"200\"}"));
        Assert.DoesNotContain("vault_access_token_cache_total{", idleText, StringComparison.Ordinal);
        Assert.DoesNotContain("vault_lwa_calls_total{", idleText, StringComparison.Ordinal);
        Assert.DoesNotContain("vault_amazon_responses_total{", idleText, StringComparison.Ordinal);
        Assert.DoesNotContain("sp-api/{**path}", idleText, StringComparison.Ordinal);
    }

    internal static async Task<string> MetricsTextAsync(VaultHarness vault)
    {
        using var response = await vault.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The value of one series, given as its name and labels exactly as written on /metrics.</summary>
    internal static double Value(string text, string series)
    {
        var line = text.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no series {series} on /metrics");
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
