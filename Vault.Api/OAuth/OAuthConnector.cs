using System.Text.RegularExpressions;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Sellers;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Api.Tokens;
using Vault.Storage;

namespace Vault.Api.OAuth;

/// <summary>
/// Finishes a consent that came back with a valid state: exchanges Amazon's code, encrypts the refresh token
/// under the seller's secret and stores it, auditing either way. Returns the error code for the WMS, or null.
/// </summary>
public sealed partial class OAuthConnector(LwaClient lwa, IVaultStore store, VaultOptions options, TokenSealer sealer, TimeProvider clock, ILogger<OAuthConnector> logger)
{
    public sealed record Completion(string? Error);

    public async Task<Completion> CompleteAsync(HttpContext context, AuthorizationTicket ticket, IQueryCollection query, CancellationToken ct)
    {
        var region = Region.Find(ticket.Region)!;
        if (OAuthQuery.Value(query, "error") is { } amazonError)
            return await FailAsync(context, ticket, "connection.denied", amazonError == "access_denied" ? "access_denied" : "authorization_failed", ct);

        var api = AmazonApi.Find(ticket.Api)!;
        var code = OAuthQuery.Value(query, api.CodeParameter);
        var sellingPartnerId = api.NamesSellingPartner ? OAuthQuery.Value(query, "selling_partner_id") : null;
        if (code is null || (api.NamesSellingPartner && (sellingPartnerId is null || !SellingPartnerIdPattern().IsMatch(sellingPartnerId))))
            return await FailAsync(context, ticket, "connection.failed", "invalid_request", ct);

        var exchange = await lwa.ExchangeCodeAsync(region, api, code, options.CallbackUri, ct);
        if (!exchange.Succeeded || exchange.RefreshToken is null)
        {
            OAuthConnectorLog.CodeExchangeFailed(logger, ticket.Tenant, ticket.SellerId, ticket.Api, exchange.Failure, exchange.AmazonCode);
            return await FailAsync(context, ticket, "connection.failed", exchange.Failure == LwaFailure.Timeout ? "amazon_timeout" : "amazon_error", ct);
        }

        using var secret = SellerSecret.Parse(ticket.Secret);
        var binding = new TokenBinding(ticket.Tenant, ticket.SellerId, ticket.Api);
        var blob = await sealer.SealAsync(exchange.RefreshToken, secret, binding, ct);
        if (blob is null)
            return await FailAsync(context, ticket, "connection.failed", "busy", ct);

        var now = clock.GetUtcNow();
        var connection = new Connection(ticket.Tenant, ticket.SellerId, ticket.Api, ticket.Region, sellingPartnerId, ConnectionStatus.Active, TokenFormats.V1, blob, now, now, null);
        await store.UpsertConnectionAsync(connection, Audit(context, ticket, "connection.connected"), ct);
        return new Completion(null);
    }

    private async Task<Completion> FailAsync(HttpContext context, AuthorizationTicket ticket, string action, string error, CancellationToken ct)
    {
        await store.AppendAuditAsync(Audit(context, ticket, action, error), ct);
        return new Completion(error);
    }

    private static AuditEvent Audit(HttpContext context, AuthorizationTicket ticket, string action, string? detail = null) =>
        AuditActor.Of(context, ticket.Actor).Event(ticket.Tenant, action, ticket.SellerId, ticket.Api, ticket.Region, detail);

    // Merchant tokens are upper-case alphanumerics (A2EXAMPLE...); anything else did not come from Amazon.
    [GeneratedRegex("^[A-Z0-9]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex SellingPartnerIdPattern();
}
