using System.Net.Http.Headers;
using Microsoft.AspNetCore.WebUtilities;
using Vault.Api.Configuration;

namespace Vault.Api.Amazon;

/// <summary>
/// Which Amazon API a connection is for, and everything that differs between the two: hosts, LWA application,
/// consent page, revoke page and how an access token goes on a request. <see cref="Name"/> ("sp-api", "ads") is the
/// wire format of routes, JSON bodies and the stored rows' api column.
/// </summary>
public abstract class AmazonApi
{
    public static readonly AmazonApi SpApi = new SellingPartnerApi();
    public static readonly AmazonApi Ads = new AdvertisingApi();

    public static IReadOnlyList<AmazonApi> All { get; } = [SpApi, Ads];

    private AmazonApi(string name) => Name = name;

    public string Name { get; }

    public static AmazonApi? Find(string? name) => name switch
    {
        "sp-api" => SpApi,
        "ads" => Ads,
        _ => null,
    };

    /// <summary>The host proxied calls of this API go to in <paramref name="region"/>.</summary>
    public abstract string HostIn(Region region);

    /// <summary>The API's sandbox host in <paramref name="region"/>, or null when the vault offers no sandbox for it (Ads).</summary>
    public virtual string? SandboxHostIn(Region region) => null;

    public bool HasSandbox => SandboxHostIn(Region.NorthAmerica) is not null;

    /// <summary>The vault's LWA application for this API (null when it is not configured).</summary>
    public abstract (string? Id, string? Secret) LwaClient(VaultOptions options);

    public bool IsConfigured(VaultOptions options) => LwaClient(options).Id is not null;

    /// <summary>The query parameter of the consent callback that carries the authorization code.</summary>
    public abstract string CodeParameter { get; }

    /// <summary>Whether the consent callback names the seller (selling_partner_id).</summary>
    public bool NamesSellingPartner => this == SpApi;

    /// <summary>Where the seller's browser goes to consent.</summary>
    public abstract Uri ConsentPage(Region region, string? marketplaceId, string state, VaultOptions options, AmazonEndpoints endpoints);

    /// <summary>
    /// Where the seller withdraws the app's access at Amazon. Deleting a connection only forgets the token; the grant
    /// stays valid at Amazon until the seller removes it there, so every delete answer points them to this page.
    /// </summary>
    public abstract Uri RevokePage(Region region);

    /// <summary>Puts Amazon's credentials for this API on an outgoing request.</summary>
    public abstract void AddCredentials(HttpRequestHeaders headers, string accessToken, VaultOptions options);

    public override string ToString() => Name;

    /// <summary>
    /// Endpoints: https://developer-docs.amazon.com/sp-api/docs/sp-api-endpoints
    /// Website workflow: https://developer-docs.amazon.com/sp-api/docs/website-authorization-workflow
    /// </summary>
    private sealed class SellingPartnerApi() : AmazonApi("sp-api")
    {
        public override string HostIn(Region region) => region.SpApiHost;

        public override string? SandboxHostIn(Region region) => region.SpApiSandboxHost;

        public override (string? Id, string? Secret) LwaClient(VaultOptions options) => (options.SpApiClientId, options.SpApiClientSecret);

        public override string CodeParameter => "spapi_oauth_code";

        public override Uri ConsentPage(Region region, string? marketplaceId, string state, VaultOptions options, AmazonEndpoints endpoints)
        {
            var host = Marketplaces.Find(marketplaceId)?.SellerCentralHost ?? region.DefaultSellerCentralHost;
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

        /// <summary>
        /// SP-API apps are removed in Seller Central, Apps and Services, "Manage Your Apps", on the seller's regional host:
        /// https://developer-docs.amazon.com/sp-api/docs/renew-authorizations
        /// </summary>
        public override Uri RevokePage(Region region) => new($"https://{region.DefaultSellerCentralHost}/apps/manage");

        public override void AddCredentials(HttpRequestHeaders headers, string accessToken, VaultOptions options) =>
            headers.TryAddWithoutValidation("x-amz-access-token", accessToken);
    }

    /// <summary>
    /// Endpoints and authorization URLs: https://advertising.amazon.com/API/docs/en-us/reference/api-overview#api-endpoints
    /// Authorization grant: https://advertising.amazon.com/API/docs/en-us/guides/get-started/create-authorization-grant
    /// </summary>
    private sealed class AdvertisingApi() : AmazonApi("ads")
    {
        public const string Scope = "advertising::campaign_management";

        /// <summary>
        /// Ads API grants are Login with Amazon grants, removed under "Your Active Apps &amp; Websites":
        /// https://videocentral.amazon.com/support/token-revocation (Amazon's LWA revocation steps).
        /// </summary>
        private static readonly Uri LoginWithAmazonApps = new("https://www.amazon.com/ap/adam");

        public override string HostIn(Region region) => region.AdsApiHost;

        public override (string? Id, string? Secret) LwaClient(VaultOptions options) => (options.AdsClientId, options.AdsClientSecret);

        public override string CodeParameter => "code";

        public override Uri ConsentPage(Region region, string? marketplaceId, string state, VaultOptions options, AmazonEndpoints endpoints) =>
            new(QueryHelpers.AddQueryString(endpoints.Url(region.AdsAuthorizationHost, "ap/oa").ToString(), new Dictionary<string, string?>
            {
                ["client_id"] = options.AdsClientId,
                ["scope"] = Scope,
                ["response_type"] = "code",
                ["redirect_uri"] = options.CallbackUri.ToString(),
                ["state"] = state,
            }));

        public override Uri RevokePage(Region region) => LoginWithAmazonApps;

        public override void AddCredentials(HttpRequestHeaders headers, string accessToken, VaultOptions options)
        {
            headers.TryAddWithoutValidation("Authorization", "Bearer " + accessToken);
            headers.TryAddWithoutValidation("Amazon-Advertising-API-ClientId", options.AdsClientId);
        }
    }
}
