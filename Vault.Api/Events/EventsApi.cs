using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Auth;
using Vault.Api.Errors;
using Vault.Api.Limits;
using Vault.Api.OpenApi;
using Vault.Api.Sellers;
using Vault.Storage;

namespace Vault.Api.Events;

/// <summary>
/// GET /v1/events (the tenant's lifecycle events oldest first, for a WMS that polls or missed deliveries), one event with
/// its delivery state, and POST /v1/events/{id}/redeliver. All under <c>events:read</c>: a redelivery sends again only
/// what the caller may already read, to the URL the operator configured, and changes no connection.
/// </summary>
public static class EventsApi
{
    public sealed record EventPage(IReadOnlyList<EventView> Events, string? NextCursor);

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/v1/events").RequireAuthorization(Scopes.EventsRead).WithTags("Events");
        events.MapGet("", QueryAsync)
            .WithName("ListEvents").WithSummary("The tenant's lifecycle events, oldest first, paged; nextCursor is always given")
            .WithQueryParameter("since", "Only events at or after this ISO-8601 time (UTC when no offset is given).", format: "date-time")
            .WithQueryParameter("type", "Only events of this type, such as connection.created.")
            .WithPaging().ProducesProblems(400, 401, 403);
        events.MapGet("/{id}", GetAsync)
            .WithName("GetEvent").WithSummary("One event with its delivery state").ProducesProblems(400, 401, 403, 404);
        events.MapPost("/{id}/redeliver", RedeliverAsync).RequireRateLimiting(RateLimitExtensions.TenantWritesPolicy)
            .WithName("RedeliverEvent").WithSummary("Makes the event due for delivery again now, with a fresh 3-day retry window")
            .ProducesProblems(400, 401, 403, 404, 429);
        return app;
    }

    private static async Task<Results<Ok<EventPage>, ProblemHttpResult>> QueryAsync(HttpContext context, IVaultStore store)
    {
        var query = context.Request.Query;
        if (PageQuery.Read(query, out var limit, out var cursor) is { } pageProblem)
            return pageProblem;
        if (PageQuery.Single(query, "type", out var type) is { } typeProblem)
            return typeProblem;
        if (type is not null && !EventTypes.All.Contains(type, StringComparer.Ordinal))
            return Problems.InvalidRequest("type: one of " + string.Join(", ", EventTypes.All));
        if (PageQuery.Since(query, out var since) is { } sinceProblem)
            return sinceProblem;

        return await PageQuery.PageAsync(
            () => store.QueryEventsAsync(context.User.Tenant(), since, type, limit, cursor, context.RequestAborted),
            page => new EventPage([.. page.Items.Select(EventView.Of)], page.NextCursor));
    }

    private static async Task<Results<Ok<EventView>, ProblemHttpResult>> GetAsync(string id, HttpContext context, IVaultStore store) =>
        await store.GetEventAsync(context.User.Tenant(), id, context.RequestAborted) is { } e ? TypedResults.Ok(EventView.Of(e)) : Problems.EventNotFound();

    private static async Task<Results<Accepted<EventView>, ProblemHttpResult>> RedeliverAsync(string id, HttpContext context, IVaultStore store, TimeProvider clock)
    {
        var tenant = context.User.Tenant();
        if (!await store.RedeliverEventAsync(tenant, id, clock.GetUtcNow(), context.RequestAborted)
            || await store.GetEventAsync(tenant, id, context.RequestAborted) is not { } e)
            return Problems.EventNotFound();
        return TypedResults.Accepted((string?)null, EventView.Of(e));
    }
}
