using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Auth;
using Vault.Api.Errors;
using Vault.Api.OpenApi;
using Vault.Api.Tokens;
using Vault.Storage;

namespace Vault.Api.Sellers;

/// <summary>Sellers as a whole: list them, read one, delete one with every connection it has.</summary>
public static class SellersApi
{
    public sealed record SellerPage(IReadOnlyList<SellerView> Sellers, string? NextCursor);

    public static RouteGroupBuilder MapSellers(this RouteGroupBuilder sellers)
    {
        sellers.MapGet("/", ListAsync).RequireAuthorization(Scopes.ConnectionsRead)
            .WithName("ListSellers").WithTags("Sellers").WithSummary("The tenant's sellers and their connections, paged")
            .WithQueryParameter("renewalDueBefore", "Only sellers with an SP-API connection whose renewalDueAt is before this ISO-8601 time.", format: "date-time")
            .WithPaging().ProducesProblems(400, 401, 403);
        sellers.MapGet("/{sellerId}", GetAsync).RequireAuthorization(Scopes.ConnectionsRead)
            .WithName("GetSeller").WithTags("Sellers").WithSummary("One seller and its connections")
            .ProducesProblems(400, 401, 403, 404);
        sellers.MapDelete("/{sellerId}", DeleteAsync).RequireAuthorization(Scopes.ConnectionsWrite)
            .WithName("DeleteSeller").WithTags("Sellers").WithSummary("Overwrite, then delete, every connection of the seller")
            .ProducesProblems(400, 401, 403, 404, 429);
        return sellers;
    }

    private static async Task<Results<Ok<SellerPage>, ProblemHttpResult>> ListAsync(HttpContext context, IVaultStore store)
    {
        if (PageQuery.Read(context.Request.Query, out var limit, out var cursor) is { } problem)
            return problem;
        if (PageQuery.Time(context.Request.Query, "renewalDueBefore", out var dueBefore) is { } dueProblem)
            return dueProblem;
        var tenant = context.User.Tenant();
        // A renewal falls due a fixed time after consent (RenewalDueAt), so "due before T" is "authorized before T less that time".
        var authorizedBefore = dueBefore - (Amazon.SpApiAuthorization.RenewalDueAt(DateTimeOffset.UnixEpoch) - DateTimeOffset.UnixEpoch);
        return await PageQuery.PageAsync(
            () => authorizedBefore is { } before
                ? store.ListSellersAuthorizedBeforeAsync(tenant, before, limit, cursor, context.RequestAborted)
                : store.ListSellersAsync(tenant, limit, cursor, context.RequestAborted),
            page => new SellerPage([.. page.Items.Select(s => SellerView.Of(s.SellerId, s.Connections))], page.NextCursor));
    }

    private static async Task<Results<Ok<SellerView>, ProblemHttpResult>> GetAsync(SellerRoute route, IVaultStore store, CancellationToken ct)
    {
        var connections = await store.GetSellerConnectionsAsync(route.Tenant, route.SellerId, ct);
        return connections.Count == 0 ? Problems.SellerNotFound() : TypedResults.Ok(SellerView.Of(route.SellerId, connections));
    }

    private static async Task<Results<Ok<ConnectionsApi.DeleteResponse>, ProblemHttpResult>> DeleteAsync(
        SellerRoute route, ConnectionTokens tokens, IVaultStore store, CancellationToken ct)
    {
        var deleted = await store.DeleteConnectionsAsync(route.Tenant, route.SellerId, null, route.Event("connection.deleted", detail: "all connections of the seller"), ct);
        if (deleted.Count == 0)
            return Problems.SellerNotFound();
        tokens.Invalidate(route.Tenant, route.SellerId);
        return TypedResults.Ok(ConnectionsApi.DeleteResponse.Of(deleted));
    }
}
