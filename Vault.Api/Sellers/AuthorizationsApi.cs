using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Auth;
using Vault.Api.Errors;
using Vault.Api.OpenApi;
using Vault.Api.OAuth;
using Vault.Storage;

namespace Vault.Api.Sellers;

/// <summary>POST /v1/sellers/{sellerId}/authorizations: the WMS starts a seller's OAuth authorization (docs/API.md step 1).</summary>
public static class AuthorizationsApi
{
    public sealed record StartRequest(string? Api, string? Region, string? RedirectUrl, string? MarketplaceId);

    public sealed record StartResponse(Uri AuthorizeUrl, DateTimeOffset ExpiresAt);

    public static RouteGroupBuilder MapAuthorizations(this RouteGroupBuilder sellers)
    {
        // The body is read by hand (JsonBody), as the import's is: a wrong content type or malformed JSON is 400 invalid_request, not the framework's 415.
        sellers.MapPost("/{sellerId}/authorizations", StartAsync).RequireAuthorization(Scopes.ConnectionsWrite)
            .WithName("StartAuthorization").WithTags("Authorizations").WithSummary("Start a seller's OAuth authorization: a one-time consent link")
            .WithJsonBody<StartRequest>().WithSellerSecret().ProducesProblems(400, 401, 403, 413, 429);
        return sellers;
    }

    private static async Task<Results<Created<StartResponse>, ProblemHttpResult>> StartAsync(
        SellerRoute route, HttpContext context, VaultOptions options, PendingAuthorizations pending, IVaultStore store, TimeProvider clock)
    {
        var (body, bodyProblem) = await JsonBody.ReadAsync<StartRequest>(context);
        if (body is null)
            return bodyProblem!;
        if (Validate(body, options) is { } problem)
            return problem;
        using var secret = SecretHeader.Read(context.Request, out var secretProblem);
        if (secret is null)
            return secretProblem!;

        var expiresAt = clock.GetUtcNow() + OAuthSealers.Lifetime;
        var ticket = new AuthorizationTicket(
            route.Tenant, route.SellerId, body!.Api!, body.Region!, body.MarketplaceId, body.RedirectUrl!,
            System.Text.Encoding.UTF8.GetString(secret.Utf8), route.Caller.Actor);
        // The secret stays in the database, sealed under a key only the URL carries (PendingAuthorizations).
        var ticketText = await pending.CreateTicketAsync(ticket, expiresAt, context.RequestAborted);
        await store.AppendAuditAsync(route.Event("authorization.started", ticket.Region, api: ticket.Api), context.RequestAborted);

        var start = new Uri(options.PublicBaseUrl, "oauth/start");
        var url = QueryHelpers.AddQueryString(start.ToString(), "ticket", ticketText);
        return TypedResults.Created((string?)null, new StartResponse(new Uri(url), expiresAt));
    }

    private static ProblemHttpResult? Validate(StartRequest? body, VaultOptions options)
    {
        if (body is null)
            return Problems.InvalidRequest("body: a JSON object with api, region and redirectUrl is required");
        var api = AmazonApi.Find(body.Api);
        if (api is null)
            return Identifiers.UnknownApi();
        var region = Region.Find(body.Region);
        if (region is null)
            return Problems.InvalidRequest("region: must be na, eu or fe");
        if (!api.IsConfigured(options))
            return Problems.InvalidRequest($"api: this vault has no {api} application configured");
        if (body.MarketplaceId is not null)
        {
            if (api != AmazonApi.SpApi)
                return Problems.InvalidRequest("marketplaceId: only for sp-api");
            var marketplace = Marketplaces.Find(body.MarketplaceId);
            if (marketplace is null)
                return Problems.InvalidRequest("marketplaceId: not a known Amazon marketplace id");
            if (marketplace.RegionCode != region.Code)
                return Problems.InvalidRequest($"marketplaceId: belongs to region {marketplace.RegionCode}, not {region.Code}");
        }
        if (!RedirectOrigin.IsAllowed(body.RedirectUrl, options.AllowedRedirectOrigins, out _))
            return Problems.InvalidRequest("redirectUrl: must be an https URL (http only on loopback) whose origin is in ALLOWED_REDIRECT_ORIGINS");
        return null;
    }
}
