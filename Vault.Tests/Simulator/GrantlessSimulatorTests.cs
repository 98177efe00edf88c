using System.Net;
using Vault.AmazonSimulator.Grantless;
using Vault.AmazonSimulator.Sandbox;
using static Vault.Tests.Simulator.RunningSimulator;

namespace Vault.Tests.Simulator;

public class GrantlessSimulatorTests
{
    [Fact]
    public async Task AScopeTheAppLacksOrAnUnknownScopeIsInvalidScope()
    {
        await using var sim = await StartAsync();
        sim.State.Applications.DenyScope(SpApiClientId, GrantlessOperations.RotationScope);

        using var denied = await GrantlessTokenResponseAsync(sim, GrantlessOperations.RotationScope);
        using var unknown = await GrantlessTokenResponseAsync(sim, "sellingpartnerapi::migration");
        using var allowed = await GrantlessTokenResponseAsync(sim, GrantlessOperations.NotificationsScope);

        await LwaTokenEndpointTests.AssertLwaErrorAsync(denied, HttpStatusCode.BadRequest, "invalid_scope");
        await LwaTokenEndpointTests.AssertLwaErrorAsync(unknown, HttpStatusCode.BadRequest, "invalid_scope");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(GrantlessOperations.NotificationsScope, (await JsonAsync(allowed)).GetProperty("scope").GetString());
    }

    [Fact]
    public async Task DestinationsNeedAGrantlessTokenOfTheNotificationsScope()
    {
        await using var sim = await StartAsync();
        var notifications = await GrantlessTokenAsync(sim, GrantlessOperations.NotificationsScope);
        var rotation = await GrantlessTokenAsync(sim, GrantlessOperations.RotationScope);
        var seller = await sim.SpApiAccessTokenAsync();

        using var ok = await SendAsync(sim, HttpMethod.Get, "sellingpartnerapi-na.amazon.com/notifications/v1/destinations", notifications);
        using var wrongScope = await SendAsync(sim, HttpMethod.Get, "sellingpartnerapi-na.amazon.com/notifications/v1/destinations", rotation);
        using var sellerToken = await SendAsync(sim, HttpMethod.Get, "sellingpartnerapi-na.amazon.com/notifications/v1/destinations", seller);
        using var grantlessOnSellerOperation = await SendAsync(sim, HttpMethod.Get, "sellingpartnerapi-na.amazon.com/sellers/v1/marketplaceParticipations", notifications);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("1", ok.Headers.GetValues("x-amzn-RateLimit-Limit").Single());
        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, sellerToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, grantlessOnSellerOperation.StatusCode);
    }

    [Theory]
    [InlineData("""{"name":"x"}""")]
    [InlineData("""{"name":"x","resourceSpecification":{}}""")]
    [InlineData("""{"name":"x","resourceSpecification":{"sqs":{"arn":"arn:aws:sns:us-east-1:1:q"}}}""")]
    [InlineData("""{"name":"x","resourceSpecification":{"sqs":{"arn":"arn:aws:sqs:us-east-1:1:q"},"eventBridge":{"region":"us-east-1","accountId":"1"}}}""")]
    [InlineData("""{"resourceSpecification":{"sqs":{"arn":"arn:aws:sqs:us-east-1:1:q"}}}""")]
    public async Task AMalformedCreateDestinationIsInvalidInput(string body)
    {
        await using var sim = await StartAsync();
        var token = await GrantlessTokenAsync(sim, GrantlessOperations.NotificationsScope);

        using var response = await SendAsync(sim, HttpMethod.Post, "sellingpartnerapi-na.amazon.com/notifications/v1/destinations", token, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidInput", (await JsonAsync(response)).GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task AnEventBridgeDestinationNamesThePartnerEventSourceAndASecondOneForTheSameResourceConflicts()
    {
        await using var sim = await StartAsync();
        var token = await GrantlessTokenAsync(sim, GrantlessOperations.NotificationsScope);
        const string body = """{"name":"eb","resourceSpecification":{"eventBridge":{"region":"us-east-1","accountId":"111122223333"}}}""";

        using var created = await SendAsync(sim, HttpMethod.Post, "sellingpartnerapi-na.amazon.com/notifications/v1/destinations", token, body);
        using var again = await SendAsync(sim, HttpMethod.Post, "sellingpartnerapi-na.amazon.com/notifications/v1/destinations", token, body);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var eventBridge = (await JsonAsync(created)).GetProperty("payload").GetProperty("resource").GetProperty("eventBridge");
        Assert.Equal("aws.partner/sellingpartnerapi.amazon/111122223333/" + Vault.AmazonSimulator.SimulatorOptions.DefaultSpApiApplicationId, eventBridge.GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task TheSandboxHostAnswersWithTheModelsMocksAndStillChecksTokens()
    {
        await using var sim = await StartAsync();
        var notifications = await GrantlessTokenAsync(sim, GrantlessOperations.NotificationsScope);
        var rotation = await GrantlessTokenAsync(sim, GrantlessOperations.RotationScope);
        sim.State.Applications.RegisterRotationQueue(SpApiClientId, "arn:aws:sqs:us-east-1:1:q");

        using var created = await SendAsync(sim, HttpMethod.Post, "sandbox.sellingpartnerapi-fe.amazon.com/notifications/v1/destinations", notifications, "{}");
        using var rotate = await SendAsync(sim, HttpMethod.Post, "sandbox.sellingpartnerapi-fe.amazon.com/applications/2023-11-30/clientSecret", rotation);
        using var noToken = await SendAsync(sim, HttpMethod.Get, "sandbox.sellingpartnerapi-fe.amazon.com/notifications/v1/destinations", "Atza|unknown");
        // getSubscription is not grantless: a grantless token is refused before any matching, a seller's gets the no-match answer.
        using var grantlessNoMatch = await SendAsync(sim, HttpMethod.Get, "sandbox.sellingpartnerapi-fe.amazon.com/notifications/v1/subscriptions/ANY_OFFER_CHANGED", notifications);
        using var noMatch = await SendAsync(sim, HttpMethod.Get, "sandbox.sellingpartnerapi-fe.amazon.com/notifications/v1/subscriptions/ANY_OFFER_CHANGED", await sim.SpApiAccessTokenAsync());

        Assert.Equal("TEST_CASE_200_DESTINATION_ID", (await JsonAsync(created)).GetProperty("payload").GetProperty("destinationId").GetString());
        Assert.Empty(sim.State.Destinations.List(SpApiClientId, "fe"));
        // The model's only static mock for rotation is its 400, registered queue or not; production state is untouched.
        Assert.Equal(HttpStatusCode.BadRequest, rotate.StatusCode);
        Assert.Empty(sim.State.Applications.Rotations);
        Assert.Equal(HttpStatusCode.Forbidden, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, grantlessNoMatch.StatusCode);
        Assert.Equal(StaticSandbox.NoMatch, (await JsonAsync(noMatch)).GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal("sandbox.sellingpartnerapi-fe.amazon.com", sim.State.Calls.Snapshot()[^1].Host);
    }

    private static Task<HttpResponseMessage> GrantlessTokenResponseAsync(RunningSimulator sim, string scope) =>
        sim.PostTokenAsync("api.amazon.com", ("grant_type", "client_credentials"), ("scope", scope), ("client_id", SpApiClientId), ("client_secret", SpApiClientSecret));

    private static async Task<string> GrantlessTokenAsync(RunningSimulator sim, string scope)
    {
        using var response = await GrantlessTokenResponseAsync(sim, scope);
        response.EnsureSuccessStatusCode();
        return (await JsonAsync(response)).GetProperty("access_token").GetString()!;
    }

    private static async Task<HttpResponseMessage> SendAsync(RunningSimulator sim, HttpMethod method, string hostAndPath, string token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, "/" + hostAndPath);
        request.Headers.Add("x-amz-access-token", token);
        if (json is not null)
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return await sim.Http.SendAsync(request);
    }
}
