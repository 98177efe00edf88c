using System.Text.Json.Nodes;
using Vault.AmazonSimulator.Grantless;
using Vault.AmazonSimulator.Routing;
using Vault.AmazonSimulator.SpApi;

namespace Vault.AmazonSimulator.Sandbox;

/// <summary>
/// The SP-API static sandbox on sandbox.sellingpartnerapi-{na,eu,fe}.amazon.com, for the operations the simulator
/// implements: the same paths and LWA tokens as production (a grantless operation still needs a grantless token of its
/// scope), but each answer is the mocked one of the operation's <c>x-amzn-api-sandbox</c> "static" entry in Amazon's
/// model, whatever the state; a request no entry matches gets 400 InvalidInput "Could not match input arguments".
/// https://developer-docs.amazon.com/sp-api/docs/the-selling-partner-api-sandbox
/// </summary>
public static class StaticSandbox
{
    public const string NoMatch = "Could not match input arguments";

    private sealed record Mock(SpApiOperation Operation, int Status, string? Body);

    // From amzn/selling-partner-api-models: notifications.json, application_2023-11-30.json and sellers.json
    // (whose entry is under x-amazon-spds-sandbox-behaviors). Each of these matches on no parameters.
    private static readonly Mock[] Mocks =
    [
        new(GrantlessOperations.GetDestinations, 200,
            """{"payload":[{"destinationId":"TEST_CASE_200","resource":{"sqs":{"arn":"arn:aws:sqs:us-east-2:444455556666:queue1"}},"name":"SQSDestination"}]}"""),
        new(GrantlessOperations.CreateDestination, 200,
            """{"payload":{"destinationId":"TEST_CASE_200_DESTINATION_ID","resource":{"sqs":{"arn":"arn:aws:sqs:us-east-2:444455556666:queue1"}},"name":"SQSDestination"}}"""),
        new(GrantlessOperations.GetDestination, 200,
            """{"payload":{"destinationId":"TEST_CASE_200_DESTINATION","resource":{"sqs":{"arn":"arn:aws:sqs:us-east-2:444455556666:queue1"}},"name":"SQSDestination"}}"""),
        new(GrantlessOperations.DeleteDestination, 200, "{}"),
        new(GrantlessOperations.RotateApplicationClientSecret, 400,
            """{"errors":[{"code":"InvalidInput","message":"Application is not enrolled for rotation notification. Please update application notification preference in Developer console."}]}"""),
        new(SpApiOperations.GetMarketplaceParticipations, 200,
            """{"payload":[{"marketplace":{"id":"ATVPDKIKX0DER","countryCode":"US","name":"Amazon.com","defaultCurrencyCode":"USD","defaultLanguageCode":"en_US","domainName":"www.amazon.com"},"participation":{"isParticipating":true,"hasSuspendedListings":false}}]}"""),
    ];

    public static IEndpointRouteBuilder MapStaticSandbox(this IEndpointRouteBuilder app)
    {
        app.Map(AmazonHostConstraint.Route(HostKind.SpApiSandbox) + "/{**path}", Answer);
        return app;
    }

    private static IResult Answer(HttpContext http, SimulatorState state)
    {
        var path = AmazonRequest.From(http.Request)!.Value.Path;
        var mock = Mocks.FirstOrDefault(m => m.Operation.Matches(http.Request.Method, path));
        if (!Authorized(state, http.Request.Headers[SpApiAccess.AccessTokenHeader].ToString(), mock?.Operation))
        {
            return SpApiErrors.Unauthorized();
        }

        if (mock is null)
        {
            return SpApiErrors.InvalidInput(NoMatch);
        }

        return mock.Body is null
            ? Results.StatusCode(mock.Status)
            : Results.Json(JsonNode.Parse(mock.Body), statusCode: mock.Status);
    }

    /// <summary>A grantless operation needs a grantless token of its scope; anything else a seller's access token.</summary>
    private static bool Authorized(SimulatorState state, string token, SpApiOperation? operation)
    {
        if (GrantlessOperations.ScopeOf(operation) is not null)
        {
            return GrantlessAccess.Authorize(state, token, operation) is not null;
        }

        var grant = state.Tokens.FindAccessToken(token);
        return grant is not null && !state.Tokens.IsExpired(grant) && !grant.Grantless && grant.SellingPartnerId is not null
            && state.Options.FindClient(grant.ClientId)?.Kind == LwaClientKind.SpApi;
    }
}
