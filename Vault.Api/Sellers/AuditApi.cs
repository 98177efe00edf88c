using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Auth;
using Vault.Api.Errors;
using Vault.Api.OpenApi;
using Vault.Storage;

namespace Vault.Api.Sellers;

/// <summary>GET /v1/audit: the caller's tenant's audit events, newest first, filtered by seller and time.</summary>
public static class AuditApi
{
    public sealed record AuditEventView(
        long Id,
        DateTimeOffset At,
        string Action,
        string Actor,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SellerId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Api,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Region,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RequestId,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Ip,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Detail)
    {
        public static AuditEventView Of(AuditEvent e) => new(e.Id, e.At, e.Action, e.Actor, e.SellerId, e.Api, e.Region, e.RequestId, e.Ip, e.Detail);
    }

    public sealed record AuditPage(IReadOnlyList<AuditEventView> Events, string? NextCursor);

    public static IEndpointRouteBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/audit", QueryAsync).RequireAuthorization(Scopes.AuditRead)
            .WithName("ListAuditEvents").WithTags("Audit").WithSummary("The tenant's audit events, newest first, paged")
            .WithQueryParameter("sellerId", "Only this seller's events.")
            .WithQueryParameter("since", "Only events at or after this ISO-8601 time (UTC when no offset is given).", format: "date-time")
            .WithPaging().ProducesProblems(400, 401, 403);
        return app;
    }

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> QueryAsync(HttpContext context, IVaultStore store)
    {
        var query = context.Request.Query;
        if (PageQuery.Read(query, out var limit, out var cursor) is { } pageProblem)
            return pageProblem;
        if (PageQuery.Single(query, "sellerId", out var sellerId) is { } sellerProblem)
            return sellerProblem;
        if (sellerId is not null && Identifiers.CheckSellerId(sellerId) is { } idProblem)
            return idProblem;
        if (PageQuery.Since(query, out var since) is { } sinceProblem)
            return sinceProblem;

        return await PageQuery.PageAsync(
            () => store.QueryAuditAsync(context.User.Tenant(), sellerId, since, limit, cursor, context.RequestAborted),
            page => new AuditPage([.. page.Items.Select(AuditEventView.Of)], page.NextCursor));
    }
}
