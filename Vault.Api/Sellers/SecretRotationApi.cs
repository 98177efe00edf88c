using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Configuration;
using Vault.Api.Auth;
using Vault.Api.Errors;
using Vault.Api.OpenApi;
using Vault.Api.Tokens;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Storage;

namespace Vault.Api.Sellers;

/// <summary>
/// POST /v1/sellers/{sellerId}/secret-rotation: re-encrypts every connection of the seller under a new secret,
/// all or nothing. Every token is opened with the old secret before anything is written, and the write is one
/// compare-and-swap on the old blobs, so a seller never ends up with some connections under each secret.
/// </summary>
public static class SecretRotationApi
{
    public sealed record RotationResponse(int Rotated);

    public static RouteGroupBuilder MapSecretRotation(this RouteGroupBuilder sellers)
    {
        sellers.MapPost("/{sellerId}/secret-rotation", RotateAsync).RequireAuthorization(Scopes.ConnectionsWrite)
            .WithName("RotateSecret").WithTags("Sellers").WithSummary("Re-encrypt every connection of the seller under a new secret, all or nothing")
            .WithSellerSecret(withNewSecret: true).ProducesProblems(400, 401, 403, 404, 409, 429, 503);
        return sellers;
    }

    private static async Task<Results<Ok<RotationResponse>, ProblemHttpResult, TokenFailureResult>> RotateAsync(
        SellerRoute route, HttpContext context, TokenSealer sealer, ConnectionTokens tokens, IVaultStore store)
    {
        using var oldSecret = SecretHeader.Read(context.Request, out var oldProblem);
        if (oldSecret is null)
            return oldProblem!;
        using var newSecret = SecretHeader.Read(context.Request, out var newProblem, SecretHeader.NewName);
        if (newSecret is null)
            return newProblem!;
        if (oldSecret.FixedTimeEquals(newSecret))
            return Problems.InvalidRequest($"{SecretHeader.NewName}: must differ from {SecretHeader.Name}");

        var (tenant, sellerId) = (route.Tenant, route.SellerId);
        var ct = context.RequestAborted;
        var connections = await store.GetSellerConnectionsAsync(tenant, sellerId, ct);
        if (connections.Count == 0)
            return Problems.SellerNotFound();
        var replacements = new List<BlobReplacement>(connections.Count);
        foreach (var connection in connections)
        {
            var opened = await tokens.OpenAsync(route.Caller, connection, oldSecret, ct);
            if (opened.Token is null)
                return new TokenFailureResult(opened.Failure);
            var binding = new TokenBinding(tenant, sellerId, connection.Api);
            var sealedBlob = await sealer.SealAsync(opened.Token.Value, newSecret, binding, ct);
            if (sealedBlob is null)
                return new TokenFailureResult(TokenFailure.Busy);
            // Expect the blob the token was read from: opening may have just upgraded a weak record in place.
            replacements.Add(new BlobReplacement(connection.Api, opened.Blob!, sealedBlob, TokenFormats.V1));
        }

        var audit = route.Event("secret.rotated", detail: $"{replacements.Count} connection(s): {string.Join(", ", replacements.Select(r => r.Api))}");
        if (await store.ReplaceBlobsAsync(tenant, sellerId, replacements, audit, ct))
        {
            tokens.Invalidate(tenant, sellerId);
            return TypedResults.Ok(new RotationResponse(replacements.Count));
        }
        return Problems.Create(409, "conflict", "Conflict", "connections changed during rotation; retry");
    }
}
