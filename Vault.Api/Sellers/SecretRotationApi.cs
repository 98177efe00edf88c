using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Configuration;
using Vault.Api.Extensions;
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
        sellers.MapPost("/{sellerId}/secret-rotation", RotateAsync).RequireAuthorization(Scopes.ConnectionsWrite);
        return sellers;
    }

    private static async Task<Results<Ok<RotationResponse>, ProblemHttpResult, TokenFailureResult>> RotateAsync(
        string sellerId, HttpContext context, VaultOptions options, KdfGate kdf, TokenAccess tokens, IVaultStore store)
    {
        if (SellerRoute.Check(sellerId) is { } routeProblem)
            return routeProblem;
        using var oldSecret = SecretHeader.Read(context.Request, out var oldProblem);
        if (oldSecret is null)
            return oldProblem!;
        using var newSecret = SecretHeader.Read(context.Request, out var newProblem, SecretHeader.NewName);
        if (newSecret is null)
            return newProblem!;
        if (oldSecret.FixedTimeEquals(newSecret))
            return Problems.InvalidRequest($"{SecretHeader.NewName}: must differ from {SecretHeader.Name}");

        var tenant = context.Tenant();
        var ct = context.RequestAborted;
        // Opening a weak or Data Border record upgrades it in place (TokenAccess), which changes the blob this
        // rotation expects; the second round then sees the upgraded blobs. Any other change is a real conflict.
        for (var round = 0; round < 2; round++)
        {
            var connections = await store.GetSellerConnectionsAsync(tenant, sellerId, ct);
            if (connections.Count == 0)
                return Problems.SellerNotFound();
            var replacements = new List<BlobReplacement>(connections.Count);
            var upgraded = false;
            foreach (var connection in connections)
            {
                var opened = await tokens.OpenAsync(context, connection, oldSecret, ct);
                if (opened.Token is null)
                    return new TokenFailureResult(opened.Failure);
                upgraded |= TokenEnvelope.NeedsUpgrade(connection.Format, connection.Blob, options.Kdf);
                var binding = new TokenBinding(tenant, sellerId, connection.Api);
                var sealedBlob = await kdf.RunAsync(() => TokenEnvelope.Seal(opened.Token.Value, newSecret, binding, options.Kdf), ct);
                if (sealedBlob is null)
                    return new TokenFailureResult(TokenFailure.Busy);
                replacements.Add(new BlobReplacement(connection.Api, connection.Blob, sealedBlob, TokenFormats.V1));
            }

            var audit = context.Event(tenant, "secret.rotated", sellerId, detail: $"{replacements.Count} connection(s): {string.Join(", ", replacements.Select(r => r.Api))}");
            if (await store.ReplaceBlobsAsync(tenant, sellerId, replacements, audit, ct))
            {
                tokens.Invalidate(tenant, sellerId);
                return TypedResults.Ok(new RotationResponse(replacements.Count));
            }
            if (!upgraded)
                break;
        }
        return Problems.Create(409, "conflict", "Conflict", "connections changed during rotation; retry");
    }
}
