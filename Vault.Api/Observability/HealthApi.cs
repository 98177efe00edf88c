using Vault.Storage;

namespace Vault.Api.Observability;

public static class HealthApi
{
    /// <summary>The body of both probes: <c>{"status": "…"}</c>.</summary>
    public sealed record Health(string Status);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new Health("ok"))).ExcludeFromDescription();
        app.MapGet("/readyz", async (IVaultStore store, CancellationToken ct) =>
            await store.PingAsync(ct)
                ? Results.Ok(new Health("ready"))
                : Results.Json(new Health("database unavailable"), statusCode: StatusCodes.Status503ServiceUnavailable))
            .ExcludeFromDescription();
        return app;
    }
}
