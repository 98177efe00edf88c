using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Auth;
using Vault.Api.Errors;
using Vault.Api.OpenApi;
using Vault.Api.Tokens;
using Vault.Crypto.Formats;
using Vault.Storage;

namespace Vault.Api.Sellers;

/// <summary>
/// PUT /v1/sellers/{sellerId}/connections/{api}: stores a refresh token the WMS already holds, either in clear
/// (a self-authorized app) or as a Data Border record (migration). The record must open with the caller's secret,
/// so nobody can plant a token that the seller's secret does not protect.
/// </summary>
public static class ConnectionImportApi
{
    public const int MaxRefreshTokenLength = 2048;

    /// <summary>A Data Border record of the longest token: base64 of 64 bytes of salt, IV and tag plus the token.</summary>
    public const int MaxDataBorderBlobLength = 4 * ((64 + MaxRefreshTokenLength + 2) / 3);

    /// <param name="Sandbox">The connection's calls go to Amazon's SP-API sandbox hosts (absent: false; refused for ads).</param>
    public sealed record ImportRequest(string? Region, string? RefreshToken, string? DataBorderBlob, bool? Sandbox = null);

    public static RouteGroupBuilder MapConnectionImport(this RouteGroupBuilder sellers)
    {
        sellers.MapPut("/{sellerId}/connections/{api}", ImportAsync).RequireAuthorization(Scopes.ConnectionsWrite)
            .WithName("ImportConnection").WithTags("Connections").WithSummary("Import a refresh token or a Data Border record (201 new, 200 replaced)")
            .WithJsonBody<ImportRequest>().WithSellerSecret().ProducesProblems(400, 401, 403, 413, 429, 503);
        return sellers;
    }

    private static async Task<Results<Created<ConnectionView>, Ok<ConnectionView>, ProblemHttpResult, TokenFailureResult>> ImportAsync(
        SellerRoute route, HttpContext context, VaultOptions options, KdfGate kdf, TokenSealer sealer, ConnectionTokens tokens, IVaultStore store, TimeProvider clock)
    {
        var (body, bodyProblem) = await JsonBody.ReadAsync<ImportRequest>(context);
        if (body is null)
            return bodyProblem!;
        if (Validate(body, route.Api, options) is { } problem)
            return problem;
        using var secret = SecretHeader.Read(context.Request, out var secretProblem);
        if (secret is null)
            return secretProblem!;

        var ct = context.RequestAborted;
        var (tenant, sellerId, api) = (route.Tenant, route.SellerId, route.Api.Name);
        byte[] blob;
        string format;
        if (body.RefreshToken is not null)
        {
            var binding = new TokenBinding(tenant, sellerId, api);
            var sealedBlob = await sealer.SealAsync(body.RefreshToken, secret, binding, ct);
            if (sealedBlob is null)
                return new TokenFailureResult(TokenFailure.Busy);
            (blob, format) = (sealedBlob, TokenFormats.V1);
        }
        else
        {
            var record = DataBorderEnvelope.TryDecodeBase64(body.DataBorderBlob)!;
            // Opened once to prove the secret protects it; the token itself is not kept.
            var (ran, opened) = await kdf.RunAsync(tenant, () => DataBorderEnvelope.Open(record, secret), ct);
            if (!ran)
                return new TokenFailureResult(TokenFailure.Busy);
            if (Check(opened) is { } openProblem)
                return openProblem;
            // Kept exactly as given: ConnectionTokens re-encrypts it as v1 (bound to this row) the first time it is used.
            (blob, format) = (record, TokenFormats.DataBorder);
        }

        var now = clock.GetUtcNow();
        var region = body.Region!;
        // No selling partner id: the import body has none, and the upsert keeps the one an OAuth connect learnt.
        var sandbox = body.Sandbox == true;
        var connection = new Connection(tenant, sellerId, api, region, null, ConnectionStatus.Active, format, blob, now, now, null, sandbox);
        var (stored, outcome) = await store.UpsertConnectionAsync(connection, route.Event("connection.imported", region, $"format {format}" + (sandbox ? ", sandbox" : "")), ct);
        tokens.Invalidate(tenant, sellerId, api);

        // As stored: a replaced connection keeps its first createdAt.
        var view = ConnectionView.Of(stored);
        return outcome == UpsertOutcome.Created
            ? TypedResults.Created($"/v1/sellers/{sellerId}/connections/{api}", view)
            : TypedResults.Ok(view);
    }

    private static ProblemHttpResult? Validate(ImportRequest body, AmazonApi api, VaultOptions options)
    {
        if (Region.Find(body.Region) is null)
            return Problems.InvalidRequest("region: must be na, eu or fe");
        if ((body.RefreshToken is null) == (body.DataBorderBlob is null))
            return Problems.InvalidRequest("refreshToken, dataBorderBlob: send exactly one of them");
        if (body.RefreshToken is not null && !IsRefreshToken(body.RefreshToken))
            return Problems.InvalidRequest($"refreshToken: 1-{MaxRefreshTokenLength} printable ASCII characters without spaces");
        if (body.DataBorderBlob is not null && (body.DataBorderBlob.Length > MaxDataBorderBlobLength || DataBorderEnvelope.TryDecodeBase64(body.DataBorderBlob) is null))
            return NotDataBorder();
        if (!api.IsConfigured(options))
            return Problems.InvalidRequest($"api: this vault has no {api} application configured");
        if (body.Sandbox == true && !api.HasSandbox)
            return Problems.InvalidRequest($"sandbox: the vault offers no sandbox for {api}");
        return null;
    }

    private static ProblemHttpResult? Check(OpenResult opened) => opened.Failure switch
    {
        OpenFailure.SecretMismatch => Problems.SecretMismatch(),
        OpenFailure.Corrupt => NotDataBorder(),
        _ when !IsRefreshToken(opened.Token!.Value) => Problems.InvalidRequest("dataBorderBlob: does not hold a refresh token"),
        _ => null,
    };

    private static ProblemHttpResult NotDataBorder() => Problems.InvalidRequest("dataBorderBlob: not a Data Border record");

    // LWA refresh tokens ("Atzr|…") are printable ASCII; a space or control character is a copy-paste accident.
    private static bool IsRefreshToken(string token) =>
        token.Length is >= 1 and <= MaxRefreshTokenLength && token.All(c => c is >= '!' and <= '~');
}
