using Vault.AmazonSimulator.Routing;
using Vault.AmazonSimulator.SpApi;

namespace Vault.AmazonSimulator.Controls;

public sealed record RefreshTokenRequest(string? ClientId, string? SellingPartnerId = null);

public sealed record RefreshTokenIssued(string RefreshToken, string? SellingPartnerId);

public sealed record RevokeRequest(string? RefreshToken);

public sealed record RateLimitRequest(string? Operation, double? Rate, int? Burst);

public sealed record CallLogView(IReadOnlyList<CallRecord> Calls, IReadOnlyDictionary<string, int> TokenCallsByGrantType);

public sealed record ControlError(string Error);

public sealed record ClientSecretsRequest(string? ClientId, IReadOnlyList<string>? Secrets);

/// <summary>The simulator's own test-control API under <c>/_sim</c>; never part of Amazon's surface.</summary>
public static class ControlsApi
{
    public static IEndpointRouteBuilder MapControls(this IEndpointRouteBuilder app)
    {
        var sim = app.MapGroup(AmazonRequest.ControlPrefix);
        sim.MapGet("/health", () => Results.Json(new { status = "ok" }));
        sim.MapPost("/refresh-tokens", IssueRefreshToken);
        sim.MapPost("/revoke", (RevokeRequest body, SimulatorState state) =>
            body.RefreshToken is { } token && state.Revoke(token)
                ? Results.Json(new { revoked = true })
                : Results.Json(new ControlError("unknown refresh token"), statusCode: 404));
        sim.MapPost("/faults", (FaultSpec spec, SimulatorState state) =>
            state.Faults.Add(spec) is { } error
                ? Results.Json(new ControlError(error), statusCode: 400)
                : Results.Json(new { rules = state.Faults.Count }, statusCode: 201));
        sim.MapDelete("/faults", (SimulatorState state) =>
        {
            state.Faults.Clear();
            return Results.NoContent();
        });
        sim.MapGet("/calls", (SimulatorState state) =>
            Results.Json(new CallLogView(state.Calls.Snapshot(), state.Calls.TokenCallsByGrantType)));
        sim.MapDelete("/calls", (SimulatorState state) =>
        {
            state.Calls.Clear();
            return Results.NoContent();
        });
        sim.MapPost("/rate-limits", SetRateLimit);
        // A rotation "at Amazon": the secrets LWA accepts for a client from now on (old and new during the overlap, then new).
        sim.MapPost("/client-secrets", (ClientSecretsRequest body, SimulatorState state) =>
            body.ClientId is { } clientId && body.Secrets is { } secrets && state.ClientSecrets.Set(clientId, secrets)
                ? Results.NoContent()
                : Results.Json(new ControlError("need a known clientId and at least one non-empty secret"), statusCode: 400));
        sim.MapPost("/expire-access-tokens", (SimulatorState state) =>
        {
            state.Tokens.ExpireAllAccessTokens();
            return Results.NoContent();
        });
        sim.MapPost("/reset", (SimulatorState state) =>
        {
            state.Reset();
            return Results.NoContent();
        });
        return app;
    }

    private static IResult IssueRefreshToken(RefreshTokenRequest body, SimulatorState state)
    {
        var client = state.Options.FindClient(body.ClientId);
        if (client is null)
        {
            return Results.Json(new ControlError("unknown clientId"), statusCode: 400);
        }

        var (token, sellingPartnerId) = state.IssueRefreshToken(client.ClientId, body.SellingPartnerId);
        return Results.Json(new RefreshTokenIssued(token, sellingPartnerId), statusCode: 201);
    }

    private static IResult SetRateLimit(RateLimitRequest body, SimulatorState state)
    {
        var operation = body.Operation is null ? null : SpApiOperations.FindByName(body.Operation);
        if (operation is null || body.Rate is not > 0 || body.Burst is not > 0)
        {
            return Results.Json(new ControlError("need a known operation name, rate > 0 and burst > 0"), statusCode: 400);
        }

        state.RateLimits.Set(operation.Name, new RateLimit(body.Rate.Value, body.Burst.Value));
        return Results.NoContent();
    }
}
