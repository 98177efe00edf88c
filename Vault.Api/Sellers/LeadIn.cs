using Microsoft.AspNetCore.Http.HttpResults;

namespace Vault.Api.Sellers;

/// <summary>
/// A bound handler parameter that checks the request on the way in (the route's ids, the seller secret, the stored
/// connection) and keeps the first problem it found, in the order docs/API.md answers them.
/// </summary>
public interface ILeadIn
{
    ProblemHttpResult? Problem { get; }
}

/// <summary>
/// The endpoint filter every seller route carries: the first lead-in parameter with a problem is the answer, and the
/// handler does not run. Binding runs before filters, so the lead-ins have already done their checks.
/// </summary>
public static class LeadIn
{
    public static TBuilder WithLeadIns<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(static (context, next) =>
        {
            foreach (var argument in context.Arguments)
            {
                if (argument is ILeadIn { Problem: { } problem })
                    return ValueTask.FromResult<object?>(problem);
            }
            return next(context);
        });

    /// <summary>The endpoint also serves a connection whose token Amazon refused (an export still lets the record leave).</summary>
    public static RouteHandlerBuilder AllowsReauthorizationRequired(this RouteHandlerBuilder builder) => builder.WithMetadata(new ReauthorizationRequiredAllowed());

    internal sealed record ReauthorizationRequiredAllowed;
}
