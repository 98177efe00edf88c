using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Extensions;
using Vault.Api.Tokens;
using Vault.Crypto.Formats;
using Vault.Storage;

namespace Vault.Api.Sellers;

/// <summary>One connection of a seller: verify it works, export it in Data Border format, delete it.</summary>
public static class ConnectionsApi
{
    public sealed record VerifyResponse(bool Ok, long ExpiresIn);

    public sealed record ExportResponse(
        string Api,
        string Region,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SellingPartnerId,
        string DataBorderBlob);

    public sealed record DeleteResponse(IReadOnlyList<ConnectionView> Deleted, Uri RevokeUrl, IReadOnlyDictionary<string, Uri> RevokeUrls)
    {
        /// <summary>
        /// One page per deleted api in <see cref="RevokeUrls"/>; <see cref="RevokeUrl"/> is the SP-API one when an
        /// SP-API connection went, since that is where a seller manages the apps that read their selling data.
        /// </summary>
        public static DeleteResponse Of(IReadOnlyList<Connection> deleted)
        {
            var urls = deleted.ToDictionary(c => c.Api, c => RevokePages.For(c.Api, c.Region), StringComparer.Ordinal);
            var main = urls.TryGetValue("sp-api", out var spApi) ? spApi : urls.Values.First();
            return new DeleteResponse([.. deleted.Select(ConnectionView.Of)], main, urls);
        }
    }

    public static RouteGroupBuilder MapConnections(this RouteGroupBuilder sellers)
    {
        sellers.MapPost("/{sellerId}/connections/{api}/verify", VerifyAsync).RequireAuthorization(Scopes.ConnectionsRead)
            .WithName("VerifyConnection").WithTags("Connections").WithSummary("Open the token and mint an access token (never returned)")
            .WithSellerSecret().ProducesProblems(400, 401, 403, 404, 409, 429, 502, 503, 504);
        // Two key derivations and an audit row: an export is limited like a write.
        sellers.MapGet("/{sellerId}/connections/{api}/export", ExportAsync).RequireAuthorization(Scopes.ConnectionsWrite).CountsAsTenantWrite()
            .WithName("ExportConnection").WithTags("Connections").WithSummary("The token as a Data Border record, to leave the vault (audited)")
            .WithSellerSecret().ProducesProblems(400, 401, 403, 404, 429, 503);
        sellers.MapDelete("/{sellerId}/connections/{api}", DeleteAsync).RequireAuthorization(Scopes.ConnectionsWrite)
            .WithName("DeleteConnection").WithTags("Connections").WithSummary("Overwrite the stored token, then delete it")
            .ProducesProblems(400, 401, 403, 404, 429);
        return sellers;
    }

    private static async Task<Results<Ok<VerifyResponse>, ProblemHttpResult, TokenFailureResult>> VerifyAsync(
        string sellerId, string api, HttpContext context, TokenAccess tokens, IVaultStore store, TimeProvider clock)
    {
        if (SellerRoute.Check(sellerId, api) is { } routeProblem)
            return routeProblem;
        using var secret = SecretHeader.Read(context.Request, out var secretProblem);
        if (secret is null)
            return secretProblem!;
        var connection = await store.GetConnectionAsync(context.Tenant(), sellerId, api, context.RequestAborted);
        if (connection is null)
            return Problems.ConnectionNotFound();
        // Amazon already refused this token: asking again would only spend a call and get invalid_grant.
        if (connection.Status == ConnectionStatus.ReauthorizationRequired)
            return Problems.ReauthorizationRequired();

        var result = await tokens.GetAccessTokenAsync(context, connection, secret, context.RequestAborted);
        if (result.Failure != TokenFailure.None)
            return new TokenFailureResult(result.Failure);
        var expiresIn = Math.Max(0, (long)(result.ExpiresAt - clock.GetUtcNow()).TotalSeconds);
        return TypedResults.Ok(new VerifyResponse(true, expiresIn));
    }

    private static async Task<Results<Ok<ExportResponse>, ProblemHttpResult, TokenFailureResult>> ExportAsync(
        string sellerId, string api, HttpContext context, TokenAccess tokens, KdfGate kdf, IVaultStore store)
    {
        if (SellerRoute.Check(sellerId, api) is { } routeProblem)
            return routeProblem;
        using var secret = SecretHeader.Read(context.Request, out var secretProblem);
        if (secret is null)
            return secretProblem!;
        var ct = context.RequestAborted;
        var tenant = context.Tenant();
        var connection = await store.GetConnectionAsync(tenant, sellerId, api, ct);
        if (connection is null)
            return Problems.ConnectionNotFound();

        var opened = await tokens.OpenAsync(context, connection, secret, ct);
        if (opened.Token is null)
            return new TokenFailureResult(opened.Failure);
        // Data Border records carry no binding to a row: sealed under the same secret, it opens wherever it goes.
        var (ran, blob) = await kdf.RunAsync(tenant, () => DataBorderEnvelope.SealToBase64(opened.Token.Value, secret), ct);
        if (!ran)
            return new TokenFailureResult(TokenFailure.Busy);

        await store.AppendAuditAsync(context.Event(tenant, "connection.exported", sellerId, api, connection.Region, "format databorder"), ct);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new ExportResponse(api, connection.Region, connection.SellingPartnerId, blob));
    }

    private static async Task<Results<Ok<DeleteResponse>, ProblemHttpResult>> DeleteAsync(
        string sellerId, string api, HttpContext context, TokenAccess tokens, IVaultStore store)
    {
        if (SellerRoute.Check(sellerId, api) is { } routeProblem)
            return routeProblem;
        var tenant = context.Tenant();
        var deleted = await store.DeleteConnectionsAsync(tenant, sellerId, api, context.Event(tenant, "connection.deleted", sellerId, api), context.RequestAborted);
        if (deleted.Count == 0)
            return Problems.ConnectionNotFound();
        tokens.Invalidate(tenant, sellerId, api);
        return TypedResults.Ok(DeleteResponse.Of(deleted));
    }
}
