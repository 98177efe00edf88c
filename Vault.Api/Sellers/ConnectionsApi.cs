using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Amazon;
using Vault.Api.Auth;
using Vault.Api.Errors;
using Vault.Api.Limits;
using Vault.Api.OpenApi;
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
            var urls = deleted.ToDictionary(c => c.Api, c => AmazonApi.Find(c.Api)!.RevokePage(Region.Find(c.Region) ?? Region.NorthAmerica), StringComparer.Ordinal);
            var main = urls.TryGetValue(AmazonApi.SpApi.Name, out var spApi) ? spApi : urls.Values.First();
            return new DeleteResponse([.. deleted.Select(ConnectionView.Of)], main, urls);
        }
    }

    public static RouteGroupBuilder MapConnections(this RouteGroupBuilder sellers)
    {
        sellers.MapPost("/{sellerId}/connections/{api}/verify", VerifyAsync).RequireAuthorization(Scopes.ConnectionsRead)
            .WithName("VerifyConnection").WithTags("Connections").WithSummary("Open the token and mint an access token (never returned)")
            .WithSellerSecret().ProducesProblems(400, 401, 403, 404, 409, 429, 502, 503, 504);
        // Two key derivations and an audit row: an export is limited like a write.
        sellers.MapGet("/{sellerId}/connections/{api}/export", ExportAsync).RequireAuthorization(Scopes.ConnectionsWrite).CountsAsTenantWrite().AllowsReauthorizationRequired()
            .WithName("ExportConnection").WithTags("Connections").WithSummary("The token as a Data Border record, to leave the vault (audited)")
            .WithSellerSecret().ProducesProblems(400, 401, 403, 404, 429, 503);
        sellers.MapDelete("/{sellerId}/connections/{api}", DeleteAsync).RequireAuthorization(Scopes.ConnectionsWrite)
            .WithName("DeleteConnection").WithTags("Connections").WithSummary("Overwrite the stored token, then delete it")
            .ProducesProblems(400, 401, 403, 404, 429);
        return sellers;
    }

    private static async Task<Results<Ok<VerifyResponse>, ProblemHttpResult, TokenFailureResult>> VerifyAsync(
        SellerConnection seller, ConnectionTokens tokens, TimeProvider clock, CancellationToken ct)
    {
        var result = await tokens.GetAccessTokenAsync(seller.Route.Caller, seller.Connection, seller.Secret, ct);
        if (result.Failure != TokenFailure.None)
            return new TokenFailureResult(result.Failure);
        var expiresIn = Math.Max(0, (long)(result.ExpiresAt - clock.GetUtcNow()).TotalSeconds);
        return TypedResults.Ok(new VerifyResponse(true, expiresIn));
    }

    private static async Task<Results<Ok<ExportResponse>, ProblemHttpResult, TokenFailureResult>> ExportAsync(
        SellerConnection seller, HttpResponse response, ConnectionTokens tokens, KdfGate kdf, IVaultStore store, CancellationToken ct)
    {
        var (route, connection) = (seller.Route, seller.Connection);
        var opened = await tokens.OpenAsync(route.Caller, connection, seller.Secret, ct);
        if (opened.Token is null)
            return new TokenFailureResult(opened.Failure);
        // Data Border records carry no binding to a row: sealed under the same secret, it opens wherever it goes.
        var (ran, blob) = await kdf.RunAsync(route.Tenant, () => DataBorderEnvelope.SealToBase64(opened.Token.Value, seller.Secret), ct);
        if (!ran)
            return new TokenFailureResult(TokenFailure.Busy);

        await store.AppendAuditAsync(route.Event("connection.exported", connection.Region, "format databorder"), ct);
        response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new ExportResponse(connection.Api, connection.Region, connection.SellingPartnerId, blob));
    }

    private static async Task<Results<Ok<DeleteResponse>, ProblemHttpResult>> DeleteAsync(SellerRoute route, ConnectionTokens tokens, IVaultStore store, CancellationToken ct)
    {
        var deleted = await store.DeleteConnectionsAsync(route.Tenant, route.SellerId, route.Api.Name, route.Event("connection.deleted"), ct);
        if (deleted.Count == 0)
            return Problems.ConnectionNotFound();
        tokens.Invalidate(route.Tenant, route.SellerId, route.Api.Name);
        return TypedResults.Ok(DeleteResponse.Of(deleted));
    }
}
