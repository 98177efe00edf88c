using System.Net;
using Vault.Crypto;
using Vault.Tests.OAuth;
using Vault.Tests.Sellers;
using Vault.Tests.Storage;
using Vault.Tests.Support;

namespace Vault.Tests.Scale;

/// <summary>
/// Issue 8: two vault instances on one PostgreSQL database, as behind a load balancer without sticky sessions
/// (one PUBLIC_BASE_URL, so Amazon's redirect may land on either). Nothing that must hold across requests may live
/// in one instance's memory: OAuth states and tickets, rotations and deletions are decided in the database.
/// </summary>
public sealed class TwoInstanceTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private const string Seller = "seller-1";

    private async Task<(VaultHarness A, VaultHarness B)> StartPairAsync()
    {
        var database = await SharedDatabase.CreateAsync(server);
        var a = await VaultHarness.StartAsync(database.Configure);
        try
        {
            var b = await VaultHarness.StartAsync(
                settings =>
                {
                    database.Configure(settings);
                    settings["PUBLIC_BASE_URL"] = a.BaseAddress.ToString();
                },
                amazon: a.Simulator);
            return (a, b);
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }
    }

    /// <summary>The same URL as the load balancer would route it to <paramref name="instance"/>.</summary>
    private static Uri On(VaultHarness instance, Uri url) => new UriBuilder(url) { Host = instance.BaseAddress.Host, Port = instance.BaseAddress.Port }.Uri;

    [Fact]
    public async Task AnAuthorizationStartedOnOneInstanceCompletesOnTheOther()
    {
        var (a, b) = await StartPairAsync();
        await using var _a = a;
        await using var _b = b;
        var secret = SellerSecret.Generate();
        var browser = new OAuthBrowser(a);
        using var started = await browser.StartAsync(await browser.AuthorizeUrlAsync(Seller, secret, "sp-api", "eu"));
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var callback = await browser.ConsentAsync(started.Headers.Location!, "allow");

        using var done = await new OAuthBrowser(b).CallbackAsync(On(b, callback), browser.Cookie);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Contains("status=connected", done.Headers.Location!.Query, StringComparison.Ordinal);
        using var verifiedOnA = await a.VerifyAsync(Seller, "sp-api", secret);
        Assert.Equal(HttpStatusCode.OK, verifiedOnA.StatusCode);
        using var calledOnA = await a.SendAsync(HttpMethod.Get, $"/v1/sellers/{Seller}/sp-api/orders/v0/orders?MarketplaceIds=A1PA6795UKMFR9", secret);
        Assert.Equal(HttpStatusCode.OK, calledOnA.StatusCode);
    }

    [Fact]
    public async Task AStateUsedOnOneInstanceIsRefusedOnTheOther()
    {
        var (a, b) = await StartPairAsync();
        await using var _a = a;
        await using var _b = b;
        var browser = new OAuthBrowser(a);
        using var started = await browser.StartAsync(await browser.AuthorizeUrlAsync(Seller, SellerSecret.Generate(), "sp-api", "na"));
        var callback = await browser.ConsentAsync(started.Headers.Location!, "allow");
        using (var done = await browser.CallbackAsync(callback))
            Assert.Contains("status=connected", done.Headers.Location!.Query, StringComparison.Ordinal);
        var before = await a.Store.GetConnectionAsync("default", Seller, "sp-api");

        using var replay = await new OAuthBrowser(b).CallbackAsync(On(b, callback), browser.Cookie);

        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Null(replay.Headers.Location);
        Assert.Contains("This authorization link cannot be used", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var after = await b.Store.GetConnectionAsync("default", Seller, "sp-api");
        Assert.Equal(before!.Blob, after!.Blob);
        Assert.Single((await b.Store.QueryAuditAsync("default", Seller, null, 50, null)).Items, e => e.Action == "connection.connected");
    }

    [Fact]
    public async Task ATicketRedeemedOnOneInstanceCannotBeRedeemedOnTheOther()
    {
        var (a, b) = await StartPairAsync();
        await using var _a = a;
        await using var _b = b;
        var authorizeUrl = await new OAuthBrowser(a).AuthorizeUrlAsync(Seller, SellerSecret.Generate(), "sp-api", "na");
        using (var first = await new OAuthBrowser(b).StartAsync(On(b, authorizeUrl)))
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);

        using var second = await new OAuthBrowser(a).StartAsync(authorizeUrl);

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.False(second.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task ConcurrentRotationsOnTwoInstancesLeaveExactlyOneNewSecretForEveryConnection()
    {
        var (a, b) = await StartPairAsync();
        await using var _a = a;
        await using var _b = b;
        for (var round = 0; round < 4; round++)
        {
            var seller = $"rotating-{round}";
            var original = SellerSecret.Generate();
            await a.ConnectAsync(seller, original, "sp-api");
            await b.ConnectAsync(seller, original, "ads");
            var (secretA, secretB) = (SellerSecret.Generate(), SellerSecret.Generate());

            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var onA = Task.Run(async () => { await go.Task; return await a.RotateAsync(seller, original, secretA); });
            var onB = Task.Run(async () => { await go.Task; return await b.RotateAsync(seller, original, secretB); });
            go.SetResult();
            using var answerA = await onA;
            using var answerB = await onB;

            // One wins; the other lost the compare-and-swap (409) or, starting after the winner committed, could no longer open the tokens with the old secret.
            var winners = new[] { answerA, answerB }.Count(r => r.StatusCode == HttpStatusCode.OK);
            Assert.True(winners == 1, $"round {round}: A answered {(int)answerA.StatusCode}, B answered {(int)answerB.StatusCode}");
            var loser = answerA.StatusCode == HttpStatusCode.OK ? answerB : answerA;
            Assert.Contains((int)loser.StatusCode, new[] { 409, 401, 403 });
            var (winning, losing) = answerA.StatusCode == HttpStatusCode.OK ? (secretA, secretB) : (secretB, secretA);

            foreach (var instance in new[] { a, b })
            {
                foreach (var api in new[] { "sp-api", "ads" })
                {
                    using var works = await instance.VerifyAsync(seller, api, winning);
                    Assert.Equal(HttpStatusCode.OK, works.StatusCode);
                    foreach (var refused in new[] { losing, original })
                    {
                        using var fails = await instance.VerifyAsync(seller, api, refused);
                        Assert.NotEqual(HttpStatusCode.OK, fails.StatusCode);
                    }
                }
            }

            var audit = (await a.Store.QueryAuditAsync("default", seller, null, 50, null)).Items;
            Assert.Single(audit, e => e.Action == "secret.rotated");
        }
    }

    [Fact]
    public async Task ADeleteOnOneInstanceIsSeenAtOnceOnTheOtherDespiteItsCache()
    {
        var (a, b) = await StartPairAsync();
        await using var _a = a;
        await using var _b = b;
        var secret = SellerSecret.Generate();
        await a.ConnectAsync(Seller, secret, "sp-api");
        using (var warm = await b.VerifyAsync(Seller, "sp-api", secret))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode); // B now holds an access token for the connection

        using (var deleted = await a.SendAsync(HttpMethod.Delete, $"/v1/sellers/{Seller}/connections/sp-api", secret))
            Assert.True(deleted.IsSuccessStatusCode, $"delete answered {(int)deleted.StatusCode}");

        using var call = await b.SendAsync(HttpMethod.Get, $"/v1/sellers/{Seller}/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER", secret);
        await call.AssertProblemAsync(HttpStatusCode.NotFound, "connection_not_found");
    }
}
