using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Extensions;
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
        string sellerId, HttpContext context, VaultOptions options, PendingAuthorizations pending, IVaultStore store, TimeProvider clock)
    {
        if (!Identifiers.IsValid(sellerId))
            return Problems.InvalidRequest("sellerId: 1-128 characters of A-Z a-z 0-9 . _ : -");
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
            context.Tenant(), sellerId, body!.Api!, body.Region!, body.MarketplaceId, body.RedirectUrl!,
            System.Text.Encoding.UTF8.GetString(secret.Utf8), context.User.Actor());
        // The secret stays in the database, sealed under a key only the URL carries (PendingAuthorizations).
        var ticketText = await pending.CreateTicketAsync(ticket, expiresAt, context.RequestAborted);
        await store.AppendAuditAsync(context.Event(ticket.Tenant, "authorization.started", sellerId, ticket.Api, ticket.Region), context.RequestAborted);

        var start = new Uri(options.PublicBaseUrl, "oauth/start");
        var url = QueryHelpers.AddQueryString(start.ToString(), "ticket", ticketText);
        return TypedResults.Created((string?)null, new StartResponse(new Uri(url), expiresAt));
    }

    private static ProblemHttpResult? Validate(StartRequest? body, VaultOptions options)
    {
        if (body is null)
            return Problems.InvalidRequest("body: a JSON object with api, region and redirectUrl is required");
        if (!Identifiers.IsApi(body.Api))
            return Problems.InvalidRequest("api: must be sp-api or ads");
        var region = Region.Find(body.Region);
        if (region is null)
            return Problems.InvalidRequest("region: must be na, eu or fe");
        if (body.Api == "sp-api" && options.SpApiClientId is null || body.Api == "ads" && options.AdsClientId is null)
            return Problems.InvalidRequest($"api: this vault has no {body.Api} application configured");
        if (body.MarketplaceId is not null)
        {
            if (body.Api != "sp-api")
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
