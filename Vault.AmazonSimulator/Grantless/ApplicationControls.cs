using Vault.AmazonSimulator.Controls;
using Vault.AmazonSimulator.Routing;

namespace Vault.AmazonSimulator.Grantless;

public sealed record DenyScopeRequest(string? ClientId, string? Scope);

public sealed record RotationQueueRequest(string? ClientId, string? Queue);

/// <summary>
/// Test controls for the developer console's side of an app, for a simulator run as a process:
/// <c>POST /_sim/applications/denied-scopes</c> and <c>POST /_sim/applications/rotation-queue</c>; <c>GET /_sim/applications/rotations</c>.
/// </summary>
public static class ApplicationControls
{
    public static IEndpointRouteBuilder MapApplicationControls(this IEndpointRouteBuilder app)
    {
        var sim = app.MapGroup(AmazonRequest.ControlPrefix + "/applications");
        sim.MapPost("/denied-scopes", (DenyScopeRequest body, SimulatorState state) =>
        {
            if (state.Options.FindClient(body.ClientId) is not { } client || body.Scope is not { Length: > 0 } scope)
            {
                return Results.Json(new ControlError("need a known clientId and a scope"), statusCode: 400);
            }

            state.Applications.DenyScope(client.ClientId, scope);
            return Results.NoContent();
        });
        sim.MapPost("/rotation-queue", (RotationQueueRequest body, SimulatorState state) =>
        {
            if (state.Options.FindClient(body.ClientId) is not { } client || body.Queue is not { Length: > 0 } queue)
            {
                return Results.Json(new ControlError("need a known clientId and a queue"), statusCode: 400);
            }

            state.Applications.RegisterRotationQueue(client.ClientId, queue);
            return Results.NoContent();
        });
        sim.MapGet("/rotations", (SimulatorState state) => Results.Json(new { rotations = state.Applications.Rotations }));
        return app;
    }
}
