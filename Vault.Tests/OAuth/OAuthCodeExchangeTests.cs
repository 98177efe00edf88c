using System.Diagnostics;
using System.Net;
using Vault.AmazonSimulator.Controls;
using Vault.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.OAuth;

/// <summary>
/// An LWA authorization code is single-use: the exchange is sent once, never retried (a replay of a slow but
/// successful exchange is refused by Amazon, which may also revoke what it issued), and once the state is consumed
/// the vault finishes the exchange even if the seller's browser goes away.
/// </summary>
public class OAuthCodeExchangeTests
{
    private const string Seller = "seller-1";

    [Fact]
    public async Task ACodeExchangeSlowerThanTheRetryAttemptTimeoutIsSentOnceAndConnects()
    {
        await using var vault = await VaultHarness.StartAsync();
        var (browser, callback) = await ToCallbackAsync(vault);
        // Longer than the 5 s per-attempt timeout of the refresh pipeline, which used to cancel it and send the code again.
        vault.Simulator.State.Faults.Add(new FaultSpec(Host: "api.amazon.com", PathPrefix: "/auth/o2/token", DelayMs: 6_000));

        using var done = await browser.CallbackAsync(callback);

        Assert.Equal($"{VaultHarness.WmsOrigin}/amazon/done?status=connected&sellerId={Seller}&api=sp-api", done.Headers.Location!.ToString());
        Assert.Equal(1, CodeExchanges(vault));
        Assert.NotNull(await vault.Store.GetConnectionAsync("default", Seller, "sp-api"));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    public async Task ACodeExchangeAnsweredWithA5xxIsSentOnceAndTheWmsIsTold(int status)
    {
        await using var vault = await VaultHarness.StartAsync();
        var (browser, callback) = await ToCallbackAsync(vault);
        vault.Simulator.State.Faults.Add(new FaultSpec(Host: "api.amazon.com", PathPrefix: "/auth/o2/token", ErrorRate: 1.0, ErrorStatus: status));

        using var done = await browser.CallbackAsync(callback);

        Assert.Equal($"{VaultHarness.WmsOrigin}/amazon/done?status=error&error=amazon_error", done.Headers.Location!.ToString());
        Assert.Equal(1, CodeExchanges(vault));
        Assert.Null(await vault.Store.GetConnectionAsync("default", Seller, "sp-api"));
    }

    [Fact]
    public async Task ABrowserThatDisconnectsDuringTheCallbackStillEndsWithTheConnectionStored()
    {
        await using var vault = await VaultHarness.StartAsync();
        var (browser, callback) = await ToCallbackAsync(vault);
        vault.Simulator.State.Faults.Add(new FaultSpec(Host: "api.amazon.com", PathPrefix: "/auth/o2/token", DelayMs: 1_500));

        // The seller closes the tab while the vault waits for Amazon: the client drops the connection.
        using (var gone = new CancellationTokenSource(TimeSpan.FromMilliseconds(400)))
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => browser.CallbackAsync(callback, ct: gone.Token));

        var clock = Stopwatch.StartNew();
        while (await vault.Store.GetConnectionAsync("default", Seller, "sp-api") is null && clock.Elapsed < TimeSpan.FromSeconds(20))
            await Task.Delay(100);
        Assert.NotNull(await vault.Store.GetConnectionAsync("default", Seller, "sp-api"));
        var audit = (await vault.Store.QueryAuditAsync("default", Seller, null, 20, null)).Items;
        Assert.Single(audit, e => e.Action == "connection.connected");
        Assert.Equal(1, CodeExchanges(vault));
    }

    private static async Task<(OAuthBrowser Browser, Uri Callback)> ToCallbackAsync(VaultHarness vault)
    {
        var browser = new OAuthBrowser(vault);
        using var start = await browser.StartAsync(await browser.AuthorizeUrlAsync(Seller, SellerSecret.Generate(), "sp-api", "na"));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        return (browser, await browser.ConsentAsync(start.Headers.Location!, "allow"));
    }

    private static int CodeExchanges(VaultHarness vault) =>
        vault.Simulator.State.Calls.Snapshot().Count(c => c.Host == "api.amazon.com" && c.PathAndQuery.StartsWith("/auth/o2/token", StringComparison.Ordinal));
}
