using System.Net;
using Vault.AmazonSimulator;
using Vault.Api.Grantless;
using Vault.Tests.Auth;
using Vault.Tests.Support;

namespace Vault.Tests.Grantless;

public class GrantlessProxyTests
{
    [Fact]
    public async Task ADestinationCreatedThroughTheVaultIsListedThroughIt()
    {
        await using var vault = await VaultHarness.StartAsync();

        using var created = await vault.GrantlessAsync(HttpMethod.Post, "eu", "/notifications/v1/destinations", GrantlessCalls.SqsDestination("orders"));
        Assert.True(created.StatusCode == HttpStatusCode.OK, await created.Content.ReadAsStringAsync());
        var destinationId = (await created.JsonBodyAsync()).GetProperty("payload").GetProperty("destinationId").GetString();

        using var listed = await vault.GrantlessAsync(HttpMethod.Get, "eu", "/notifications/v1/destinations");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var destination = Assert.Single((await listed.JsonBodyAsync()).GetProperty("payload").EnumerateArray());
        Assert.Equal(destinationId, destination.GetProperty("destinationId").GetString());
        Assert.Equal("arn:aws:sqs:us-east-2:444455556666:queue1", destination.GetProperty("resource").GetProperty("sqs").GetProperty("arn").GetString());

        // Destinations live per regional endpoint: North America has none.
        using var otherRegion = await vault.GrantlessAsync(HttpMethod.Get, "na", "/notifications/v1/destinations");
        Assert.Empty((await otherRegion.JsonBodyAsync()).GetProperty("payload").EnumerateArray());

        using var deleted = await vault.GrantlessAsync(HttpMethod.Delete, "eu", "/notifications/v1/destinations/" + destinationId);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        using var gone = await vault.GrantlessAsync(HttpMethod.Get, "eu", "/notifications/v1/destinations/" + destinationId);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        var calls = vault.Simulator.State.Calls.Snapshot().Where(c => c.PathAndQuery.StartsWith("/notifications/", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, calls.Count);
        Assert.All(calls, c => Assert.Contains(c.Host, (string[])["sellingpartnerapi-eu.amazon.com", "sellingpartnerapi-na.amazon.com"]));
    }

    [Fact]
    public async Task ConcurrentCallsShareOneGrantlessTokenWhichIsThenReused()
    {
        await using var vault = await VaultHarness.StartAsync();

        var first = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => vault.GrantlessAsync(HttpMethod.Get, "na", "/notifications/v1/destinations")));
        using var later = await vault.GrantlessAsync(HttpMethod.Get, "na", "/notifications/v1/destinations");

        Assert.All(first, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Equal(1, vault.Simulator.State.Calls.TokenCallsByGrantType["client_credentials"]);
        foreach (var response in first)
            response.Dispose();
    }

    [Fact]
    public async Task EachScopeAndRegionGetsItsOwnToken()
    {
        await using var vault = await VaultHarness.StartAsync();
        var tokens = (GrantlessTokens)vault.Services.GetService(typeof(GrantlessTokens))!;

        var notifications = await tokens.GetAsync(Vault.Api.Amazon.Region.NorthAmerica, GrantlessOperations.NotificationsScope, CancellationToken.None);
        var rotation = await tokens.GetAsync(Vault.Api.Amazon.Region.NorthAmerica, GrantlessOperations.ClientCredentialRotationScope, CancellationToken.None);
        var europe = await tokens.GetAsync(Vault.Api.Amazon.Region.Europe, GrantlessOperations.NotificationsScope, CancellationToken.None);
        var again = await tokens.GetAsync(Vault.Api.Amazon.Region.NorthAmerica, GrantlessOperations.NotificationsScope, CancellationToken.None);

        Assert.True(notifications.Succeeded && rotation.Succeeded && europe.Succeeded);
        Assert.Equal(3, new[] { notifications.AccessToken, rotation.AccessToken, europe.AccessToken }.Distinct().Count());
        Assert.Equal(notifications.AccessToken, again.AccessToken);
        Assert.Equal(3, tokens.Count);
        Assert.Equal(GrantlessOperations.ClientCredentialRotationScope, vault.Simulator.State.Tokens.FindAccessToken(rotation.AccessToken)!.Scope);
        Assert.DoesNotContain(rotation.AccessToken!, rotation.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER")]
    [InlineData("POST", "/notifications/v1/subscriptions/ANY_OFFER_CHANGED")]
    [InlineData("GET", "/authorization/v1/authorizationCode")]
    public async Task AnOperationOutsideTheTableIsRefusedWithItsCode(string method, string path)
    {
        await using var vault = await VaultHarness.StartAsync();

        using var response = await vault.GrantlessAsync(new HttpMethod(method), "na", path);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "unsupported_grantless_operation");
        Assert.DoesNotContain(vault.Simulator.State.Calls.Snapshot(), c => c.Host.StartsWith("sellingpartnerapi", StringComparison.Ordinal));
        Assert.Empty(vault.Simulator.State.Calls.TokenCallsByGrantType);
    }

    [Theory]
    [InlineData("/v1/grantless/sp-api/us/notifications/v1/destinations", "region")]
    [InlineData("/v1/grantless/sp-api/na/notifications%2Fv1/destinations", "path")]
    [InlineData("/v1/grantless/sp-api/na/notifications//v1/destinations", "path")]
    public async Task ABadRegionOrPathIsRefusedBeforeAnyTokenIsMinted(string target, string field)
    {
        await using var vault = await VaultHarness.StartAsync();

        using var response = await vault.SendAsync(HttpMethod.Get, target, jwt: vault.Jwt(GrantlessCalls.Scope));

        await ProblemAssert.InvalidRequestAsync(response, field);
        Assert.Empty(vault.Simulator.State.Calls.TokenCallsByGrantType);
    }

    [Fact]
    public async Task AJwtWithoutTheGrantlessScopeIsForbidden()
    {
        await using var vault = await VaultHarness.StartAsync();

        using var response = await vault.GrantlessAsync(HttpMethod.Get, "na", "/notifications/v1/destinations", jwt: vault.Jwt());

        await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.Empty(vault.Simulator.State.Calls.TokenCallsByGrantType);
    }

    [Fact]
    public async Task AScopeTheApplicationLacksIsReportedWithLwasError()
    {
        await using var vault = await VaultHarness.StartAsync();
        vault.Simulator.State.Applications.DenyScope(SimulatorOptions.DefaultSpApiClientId, GrantlessOperations.ClientCredentialRotationScope);

        using var response = await vault.GrantlessAsync(HttpMethod.Post, "na", "/applications/2023-11-30/clientSecret");

        var problem = await ProblemAssert.IsAsync(response, HttpStatusCode.Forbidden, "grantless_scope_refused");
        Assert.Equal(GrantlessOperations.ClientCredentialRotationScope, problem.GetProperty("scope").GetString());
        Assert.Equal("invalid_scope", problem.GetProperty("amazonError").GetString());
        Assert.Contains(GrantlessOperations.ClientCredentialRotationScope, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The other scope still works: the refusal is not cached against the application.
        using var destinations = await vault.GrantlessAsync(HttpMethod.Get, "na", "/notifications/v1/destinations");
        Assert.Equal(HttpStatusCode.OK, destinations.StatusCode);
    }

    [Fact]
    public async Task RotationWithoutARegisteredQueueGetsAmazonsAnswerAndWithOneSucceeds()
    {
        await using var vault = await VaultHarness.StartAsync();

        using var refused = await vault.GrantlessAsync(HttpMethod.Post, "na", "/applications/2023-11-30/clientSecret");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = (await refused.JsonBodyAsync()).GetProperty("errors")[0];
        Assert.Equal("InvalidInput", error.GetProperty("code").GetString());
        Assert.StartsWith("Application is not enrolled for rotation notification", error.GetProperty("message").GetString(), StringComparison.Ordinal);

        vault.Simulator.State.Applications.RegisterRotationQueue(SimulatorOptions.DefaultSpApiClientId, "arn:aws:sqs:us-east-1:111122223333:rotation");
        using var rotated = await vault.GrantlessAsync(HttpMethod.Post, "na", "/applications/2023-11-30/clientSecret");

        Assert.Equal(HttpStatusCode.NoContent, rotated.StatusCode);
        Assert.Single(vault.Simulator.State.Applications.Rotations);
    }

    [Fact]
    public async Task EveryGrantlessCallIsAuditedWithoutASeller()
    {
        await using var vault = await VaultHarness.StartAsync();
        var jwt = TestJwt.Hs256(VaultHarness.JwtSecret, GrantlessCalls.Scope, tenant: "tenant-g", subject: "wms-notifier");
        vault.Simulator.State.Applications.DenyScope(SimulatorOptions.DefaultSpApiClientId, GrantlessOperations.ClientCredentialRotationScope);

        using var created = await vault.GrantlessAsync(HttpMethod.Post, "fe", "/notifications/v1/destinations", GrantlessCalls.SqsDestination("fe"), jwt);
        using var refused = await vault.GrantlessAsync(HttpMethod.Post, "fe", "/applications/2023-11-30/clientSecret", jwt: jwt);
        using var unknown = await vault.GrantlessAsync(HttpMethod.Get, "fe", "/notifications/v1/destinations/nope", jwt: jwt);

        var rows = (await vault.Store.QueryAuditAsync("tenant-g", null, null, 10, null)).Items;
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.Equal(GrantlessApi.AuditAction, r.Action);
            Assert.Null(r.SellerId);
            Assert.Equal("sp-api", r.Api);
            Assert.Equal("fe", r.Region);
            Assert.Equal("wms-notifier", r.Actor);
            Assert.False(string.IsNullOrEmpty(r.RequestId));
        });
        Assert.Equal(["getDestination 404", "rotateApplicationClientSecret token invalid_scope", "createDestination 200"], rows.Select(r => r.Detail));
        Assert.Empty((await vault.Store.QueryAuditAsync("default", null, null, 10, null)).Items);
    }

    [Fact]
    public async Task TheSellerProxysHeaderStrippingAppliesToGrantlessCalls()
    {
        await using var vault = await VaultHarness.StartAsync();
        using var request = vault.GrantlessRequest(HttpMethod.Get, "na", "/notifications/v1/destinations");
        request.Headers.Add("Cookie", "session=wms-session-cookie");
        request.Headers.Add("x-amz-access-token", "Atza|caller-supplied-token");
        request.Headers.Add("x-amazon-token-secret", "c2VjcmV0LXRoYXQtZG9lcy1ub3QtYmVsb25nLWhlcmU=");
        request.Headers.Add("X-Forwarded-For", "10.0.0.1");
        request.Headers.Add("Fly-Client-IP", "10.0.0.2");
        request.Headers.Add("x-vault-sandbox", "false");

        using var response = await vault.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = vault.Simulator.State.Calls.Snapshot()[^1];
        Assert.Equal("sellingpartnerapi-na.amazon.com", call.Host);
        Assert.False(call.HadCookie);
        Assert.False(call.HadTokenSecret);
        Assert.Equal("none", call.AuthorizationKind);
        foreach (var name in (string[])["X-Forwarded-For", "Fly-Client-IP", "x-vault-sandbox", "x-request-id"])
            Assert.DoesNotContain(name, call.HeaderNames, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(1, call.HeaderNames.Count(h => h.Equals("x-amz-access-token", StringComparison.OrdinalIgnoreCase)));
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }
}
