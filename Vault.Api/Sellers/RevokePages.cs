using Vault.Api.Amazon;

namespace Vault.Api.Sellers;

/// <summary>
/// Where a seller withdraws the app's access at Amazon. Deleting a connection only forgets the token; the grant
/// stays valid at Amazon until the seller removes it there, so every delete answer points them to the right page.
/// </summary>
public static class RevokePages
{
    /// <summary>
    /// Ads API grants are Login with Amazon grants, removed under "Your Active Apps &amp; Websites":
    /// https://videocentral.amazon.com/support/token-revocation (Amazon's LWA revocation steps).
    /// </summary>
    public static readonly Uri LoginWithAmazon = new("https://www.amazon.com/ap/adam");

    /// <summary>
    /// SP-API apps are removed in Seller Central, Apps and Services, "Manage Your Apps", on the seller's regional host:
    /// https://developer-docs.amazon.com/sp-api/docs/renew-authorizations
    /// </summary>
    public static Uri ManageYourApps(Region region) => new($"https://{region.DefaultSellerCentralHost}/apps/manage");

    public static Uri For(string api, string region) =>
        api == "sp-api" ? ManageYourApps(Region.Find(region) ?? Region.NorthAmerica) : LoginWithAmazon;
}
