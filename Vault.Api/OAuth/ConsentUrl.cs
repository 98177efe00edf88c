using Microsoft.AspNetCore.WebUtilities;
using Vault.Api.Amazon;
using Vault.Api.Configuration;

namespace Vault.Api.OAuth;

/// <summary>
/// Where the seller's browser goes to consent.
/// SP-API website workflow: https://developer-docs.amazon.com/sp-api/docs/website-authorization-workflow
/// Ads authorization grant: https://advertising.amazon.com/API/docs/en-us/guides/get-started/create-authorization-grant
/// </summary>
public sealed class ConsentUrl(VaultOptions options, AmazonEndpoints endpoints)
{
    public const string AdsScope = "advertising::campaign_management";

    public Uri For(AuthorizationTicket ticket, string state)
    {
        var region = Region.Find(ticket.Region)!;
        if (ticket.Api == "ads")
        {
            return new Uri(QueryHelpers.AddQueryString(endpoints.Url(region.AdsAuthorizationHost, "ap/oa").ToString(), new Dictionary<string, string?>
            {
                ["client_id"] = options.AdsClientId,
                ["scope"] = AdsScope,
                ["response_type"] = "code",
                ["redirect_uri"] = options.CallbackUri.ToString(),
                ["state"] = state,
            }));
        }
        var host = Marketplaces.Find(ticket.MarketplaceId)?.SellerCentralHost ?? region.DefaultSellerCentralHost;
        var query = new Dictionary<string, string?>
        {
            ["application_id"] = options.SpApiAppId,
            ["state"] = state,
            ["redirect_uri"] = options.CallbackUri.ToString(),
        };
        if (options.SpApiDraftApp)
            query["version"] = "beta";
        return new Uri(QueryHelpers.AddQueryString(endpoints.Url(host, "apps/authorize/consent").ToString(), query));
    }
}
