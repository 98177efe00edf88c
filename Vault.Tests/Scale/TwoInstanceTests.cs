using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vault.Crypto;
using Vault.Tests.Simulator;
using Vault.Tests.Storage;

namespace Vault.Tests.Scale;

/// <summary>
/// Issue 8: two vault processes on one PostgreSQL database, as behind a load balancer without sticky sessions
/// (one PUBLIC_BASE_URL, so Amazon's redirect may land on either). Nothing that must hold across requests may live
/// in one instance's memory: OAuth states and tickets, rotations and deletions are decided in the database.
/// </summary>
[Trait("Category", "Slow")] // PostgreSQL and two vault processes
public sealed class TwoInstanceTests(PostgresServer server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PostgresServer>
{
    private const string Seller = "seller-1";
    private const string OrdersPath = $"/v1/sellers/{Seller}/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER";

    /// <summary>The WMS asks <paramref name="start"/> for a consent link and the seller's browser opens it there; returns the link, and the vault's redirect to Amazon with the cookie it set.</summary>
    private static async Task<(Uri AuthorizeUrl, HttpResponseMessage Started, string? Cookie)> StartAuthorizationAsync(VaultPair pair, Acceptance.VaultProcess start, string secret, bool open = true)
    {
        using var created = await pair.SendAsync(start, HttpMethod.Post, $"/v1/sellers/{Seller}/authorizations", secret,
            new { api = "sp-api", region = "na", redirectUrl = Support.VaultHarness.WmsOrigin + "/amazon/done" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var authorizeUrl = new Uri((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("authorizeUrl").GetString()!);
        Assert.Equal(VaultPair.PublicBaseUrl.Host, authorizeUrl.Host);
        if (!open)
            return (authorizeUrl, null!, null);
        var started = await start.Http.GetAsync(VaultPair.On(start, authorizeUrl));
        var cookie = started.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.Select(c => c.Split(';')[0]).FirstOrDefault(c => c.StartsWith("vault_oauth=", StringComparison.Ordinal))
            : null;
        return (authorizeUrl, started, cookie);
    }

    /// <summary>The seller clicks Allow on Amazon's page; returns Amazon's redirect to the vault's callback (on the load balancer's name).</summary>
    private static async Task<Uri> AllowAsync(VaultPair pair, Uri consentUrl)
    {
        var page = new Uri(pair.Amazon.BaseAddress, pair.Amazon.BaseAddress.MakeRelativeUri(consentUrl));
        using var response = await ConsentForms.ClickAsync(pair.Amazon, page, "allow");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    private static async Task<HttpResponseMessage> CallbackAsync(Acceptance.VaultProcess instance, Uri callback, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, VaultPair.On(instance, callback));
        if (cookie is not null)
            request.Headers.Add("Cookie", cookie);
        return await instance.Http.SendAsync(request);
    }

    [Fact]
    public async Task AnAuthorizationStartedOnOneInstanceCompletesOnTheOther()
    {
        await using var pair = await VaultPair.StartAsync(server);
        var secret = SellerSecret.Generate();
        var (_, started, cookie) = await StartAuthorizationAsync(pair, pair.A, secret);
        using var _started = started;
        Assert.Equal(HttpStatusCode.Redirect, started.StatusCode);
        var callback = await AllowAsync(pair, started.Headers.Location!);
        Assert.Equal(VaultPair.PublicBaseUrl.Host, callback.Host);

        using var done = await CallbackAsync(pair.B, callback, cookie);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Contains("status=connected", done.Headers.Location!.Query, StringComparison.Ordinal);
        using var verifiedOnA = await pair.VerifyAsync(pair.A, Seller, "sp-api", secret);
        Assert.Equal(HttpStatusCode.OK, verifiedOnA.StatusCode);
        using var calledOnA = await pair.SendAsync(pair.A, HttpMethod.Get, OrdersPath, secret);
        Assert.Equal(HttpStatusCode.OK, calledOnA.StatusCode);
    }

    [Fact]
    public async Task AStateUsedOnOneInstanceIsRefusedOnTheOther()
    {
        await using var pair = await VaultPair.StartAsync(server);
        var secret = SellerSecret.Generate();
        var (_, started, cookie) = await StartAuthorizationAsync(pair, pair.A, secret);
        using var _started = started;
        var callback = await AllowAsync(pair, started.Headers.Location!);
        using (var done = await CallbackAsync(pair.A, callback, cookie))
            Assert.Contains("status=connected", done.Headers.Location!.Query, StringComparison.Ordinal);
        using (var audit = await pair.SendAsync(pair.B, HttpMethod.Get, $"/v1/audit?sellerId={Seller}"))
            Assert.Single(Actions(await audit.Content.ReadFromJsonAsync<JsonElement>()), a => a == "connection.connected");

        using var replay = await CallbackAsync(pair.B, callback, cookie);

        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Null(replay.Headers.Location);
        Assert.Contains("This authorization link cannot be used", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var after = await pair.SendAsync(pair.B, HttpMethod.Get, $"/v1/audit?sellerId={Seller}");
        Assert.Single(Actions(await after.Content.ReadFromJsonAsync<JsonElement>()), a => a == "connection.connected");
    }

    [Fact]
    public async Task ATicketRedeemedOnOneInstanceCannotBeRedeemedOnTheOther()
    {
        await using var pair = await VaultPair.StartAsync(server);
        var (authorizeUrl, _, _) = await StartAuthorizationAsync(pair, pair.A, SellerSecret.Generate(), open: false);
        using (var first = await pair.B.Http.GetAsync(VaultPair.On(pair.B, authorizeUrl)))
            Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);

        using var second = await pair.A.Http.GetAsync(VaultPair.On(pair.A, authorizeUrl));

        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.False(second.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task ConcurrentRotationsOnTwoInstancesLeaveExactlyOneNewSecretForEveryConnection()
    {
        await using var pair = await VaultPair.StartAsync(server);
        var conflicts = 0;
        for (var round = 0; round < 4; round++)
        {
            var seller = $"rotating-{round}";
            var original = SellerSecret.Generate();
            await pair.ConnectAsync(pair.A, seller, original, "sp-api");
            await pair.ConnectAsync(pair.B, seller, original, "ads");
            var (secretA, secretB) = (SellerSecret.Generate(), SellerSecret.Generate());

            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var onA = Task.Run(async () => { await go.Task; return await pair.SendAsync(pair.A, HttpMethod.Post, $"/v1/sellers/{seller}/secret-rotation", original, newSecret: secretA); });
            var onB = Task.Run(async () => { await go.Task; return await pair.SendAsync(pair.B, HttpMethod.Post, $"/v1/sellers/{seller}/secret-rotation", original, newSecret: secretB); });
            go.SetResult();
            using var answerA = await onA;
            using var answerB = await onB;

            // One wins; the other lost the compare-and-swap (409) or, starting after the winner committed, could no longer open the tokens with the old secret.
            var winners = new[] { answerA, answerB }.Count(r => r.StatusCode == HttpStatusCode.OK);
            Assert.True(winners == 1, $"round {round}: A answered {(int)answerA.StatusCode}, B answered {(int)answerB.StatusCode}");
            var loser = answerA.StatusCode == HttpStatusCode.OK ? answerB : answerA;
            Assert.Contains((int)loser.StatusCode, new[] { 409, 401, 403 });
            conflicts += loser.StatusCode == HttpStatusCode.Conflict ? 1 : 0;
            var (winning, losing) = answerA.StatusCode == HttpStatusCode.OK ? (secretA, secretB) : (secretB, secretA);

            foreach (var instance in new[] { pair.A, pair.B })
            {
                foreach (var api in new[] { "sp-api", "ads" })
                {
                    using var works = await pair.VerifyAsync(instance, seller, api, winning);
                    Assert.Equal(HttpStatusCode.OK, works.StatusCode);
                    foreach (var refused in new[] { losing, original })
                    {
                        using var fails = await pair.VerifyAsync(instance, seller, api, refused);
                        Assert.NotEqual(HttpStatusCode.OK, fails.StatusCode);
                    }
                }
            }

            using var audit = await pair.SendAsync(pair.A, HttpMethod.Get, $"/v1/audit?sellerId={seller}");
            Assert.Single(Actions(await audit.Content.ReadFromJsonAsync<JsonElement>()), a => a == "secret.rotated");
        }

        // 409 means both rotations read the old blobs before either wrote (the compare-and-swap decided); the other
        // outcome means the loser started after the winner committed. Either is correct; the count shows which ran.
        output.WriteLine($"{conflicts} of 4 rounds were decided by the compare-and-swap (409)");
    }

    [Fact]
    public async Task ADeleteOnOneInstanceIsSeenAtOnceOnTheOtherDespiteItsCache()
    {
        await using var pair = await VaultPair.StartAsync(server);
        var secret = SellerSecret.Generate();
        await pair.ConnectAsync(pair.A, Seller, secret, "sp-api");
        using (var warm = await pair.SendAsync(pair.B, HttpMethod.Get, OrdersPath, secret))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode); // B now holds an access token for the connection

        using (var deleted = await pair.SendAsync(pair.A, HttpMethod.Delete, $"/v1/sellers/{Seller}/connections/sp-api", secret))
            Assert.True(deleted.IsSuccessStatusCode, $"delete answered {(int)deleted.StatusCode}");

        using var call = await pair.SendAsync(pair.B, HttpMethod.Get, OrdersPath, secret);
        Assert.Equal(HttpStatusCode.NotFound, call.StatusCode);
        Assert.Equal("connection_not_found", (await call.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    private static IEnumerable<string> Actions(JsonElement page) =>
        page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("action").GetString()!);
}
