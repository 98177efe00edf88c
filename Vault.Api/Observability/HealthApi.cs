using Vault.Storage;

namespace Vault.Api.Observability;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).ExcludeFromDescription();
        app.MapGet("/readyz", async (IVaultStore store, CancellationToken ct) =>
            await store.PingAsync(ct)
                ? Results.Ok(new { status = "ready" })
                : Results.Json(new { status = "database unavailable" }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .ExcludeFromDescription();
        return app;
    }
}
