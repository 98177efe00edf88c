namespace Vault.Api.Amazon;

/// <summary>
/// Amazon's three selling regions and the hosts each one uses. Every Amazon host the vault talks to is here.
/// SP-API endpoints: https://developer-docs.amazon.com/sp-api/docs/sp-api-endpoints
/// LWA token endpoints: https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api
/// Ads API endpoints and authorization URLs: https://advertising.amazon.com/API/docs/en-us/reference/api-overview#api-endpoints
/// SP-API sandbox endpoints (static sandbox, same paths and LWA tokens): https://developer-docs.amazon.com/sp-api/docs/the-selling-partner-api-sandbox
/// </summary>
public sealed record Region(string Code, string LwaTokenHost, string SpApiHost, string AdsApiHost, string AdsAuthorizationHost, string DefaultSellerCentralHost)
{
    public static readonly Region NorthAmerica = new("na", "api.amazon.com", "sellingpartnerapi-na.amazon.com", "advertising-api.amazon.com", "www.amazon.com", "sellercentral.amazon.com");
    public static readonly Region Europe = new("eu", "api.amazon.co.uk", "sellingpartnerapi-eu.amazon.com", "advertising-api-eu.amazon.com", "eu.account.amazon.com", "sellercentral-europe.amazon.com");
    public static readonly Region FarEast = new("fe", "api.amazon.co.jp", "sellingpartnerapi-fe.amazon.com", "advertising-api-fe.amazon.com", "apac.account.amazon.com", "sellercentral.amazon.co.jp");

    public static IReadOnlyList<Region> All { get; } = [NorthAmerica, Europe, FarEast];

    /// <summary>The SP-API sandbox host of the region: the production host with a <c>sandbox.</c> prefix.</summary>
    public string SpApiSandboxHost => "sandbox." + SpApiHost;

    public static Region? Find(string? code) => All.FirstOrDefault(r => r.Code == code);
}
