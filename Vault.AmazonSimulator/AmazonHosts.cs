namespace Vault.AmazonSimulator;

/// <summary>What kind of Amazon service a host name belongs to.</summary>
public enum HostKind
{
    Unknown,
    LwaToken,
    LwaAuthorizePage,
    SellerCentral,
    SpApi,
    Ads,
    SpApiSandbox,
}

/// <summary>
/// Every Amazon host the simulator answers for, in one place. The vault rewrites
/// <c>https://{host}/{path}</c> to <c>http://127.0.0.1:PORT/{host}/{path}</c>, so the first
/// path segment tells the simulator which Amazon host a call was meant for.
/// </summary>
public static class AmazonHosts
{
    // LWA token endpoints per region:
    // https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api
    // https://advertising.amazon.com/API/docs/en-us/reference/api-overview#api-endpoints
    public const string LwaNa = "api.amazon.com";
    public const string LwaEu = "api.amazon.co.uk";
    public const string LwaFe = "api.amazon.co.jp";

    // LWA authorization grant pages used by the Ads API:
    // https://advertising.amazon.com/API/docs/en-us/guides/get-started/create-authorization-grant
    public const string AuthorizeNa = "www.amazon.com";
    public const string AuthorizeEu = "eu.account.amazon.com";
    public const string AuthorizeFe = "apac.account.amazon.com";

    // SP-API endpoints: https://developer-docs.amazon.com/sp-api/docs/sp-api-endpoints
    public const string SpApiNa = "sellingpartnerapi-na.amazon.com";
    public const string SpApiEu = "sellingpartnerapi-eu.amazon.com";
    public const string SpApiFe = "sellingpartnerapi-fe.amazon.com";

    // SP-API static sandbox endpoints: https://developer-docs.amazon.com/sp-api/docs/the-selling-partner-api-sandbox
    public const string SpApiSandboxNa = "sandbox.sellingpartnerapi-na.amazon.com";
    public const string SpApiSandboxEu = "sandbox.sellingpartnerapi-eu.amazon.com";
    public const string SpApiSandboxFe = "sandbox.sellingpartnerapi-fe.amazon.com";

    // Ads API endpoints: https://advertising.amazon.com/API/docs/en-us/reference/api-overview#api-endpoints
    public const string AdsNa = "advertising-api.amazon.com";
    public const string AdsEu = "advertising-api-eu.amazon.com";
    public const string AdsFe = "advertising-api-fe.amazon.com";

    // Seller Central URLs per marketplace (sellercentral.amazon.com, sellercentral-europe.amazon.com,
    // sellercentral-japan.amazon.com, sellercentral.amazon.co.uk, ...):
    // https://developer-docs.amazon.com/sp-api/docs/seller-central-urls
    public const string SellerCentralPrefix = "sellercentral";
    public const string SellerCentralNa = "sellercentral.amazon.com";
    public const string SellerCentralEu = "sellercentral-europe.amazon.com";
    public const string SellerCentralFe = "sellercentral-japan.amazon.com";

    /// <summary>The LWA token path, identical on every regional token host.</summary>
    public const string TokenPath = "/auth/o2/token";

    private static readonly Dictionary<string, (HostKind Kind, string Region)> Known =
        new(StringComparer.OrdinalIgnoreCase)
        {
            [LwaNa] = (HostKind.LwaToken, "na"),
            [LwaEu] = (HostKind.LwaToken, "eu"),
            [LwaFe] = (HostKind.LwaToken, "fe"),
            [AuthorizeNa] = (HostKind.LwaAuthorizePage, "na"),
            [AuthorizeEu] = (HostKind.LwaAuthorizePage, "eu"),
            [AuthorizeFe] = (HostKind.LwaAuthorizePage, "fe"),
            [SpApiNa] = (HostKind.SpApi, "na"),
            [SpApiEu] = (HostKind.SpApi, "eu"),
            [SpApiFe] = (HostKind.SpApi, "fe"),
            [SpApiSandboxNa] = (HostKind.SpApiSandbox, "na"),
            [SpApiSandboxEu] = (HostKind.SpApiSandbox, "eu"),
            [SpApiSandboxFe] = (HostKind.SpApiSandbox, "fe"),
            [AdsNa] = (HostKind.Ads, "na"),
            [AdsEu] = (HostKind.Ads, "eu"),
            [AdsFe] = (HostKind.Ads, "fe"),
        };

    public static IReadOnlyCollection<string> SpApiHosts { get; } = [SpApiNa, SpApiEu, SpApiFe];

    public static IReadOnlyCollection<string> SpApiSandboxHosts { get; } = [SpApiSandboxNa, SpApiSandboxEu, SpApiSandboxFe];

    public static IReadOnlyCollection<string> AdsHosts { get; } = [AdsNa, AdsEu, AdsFe];

    public static IReadOnlyCollection<string> LwaTokenHosts { get; } = [LwaNa, LwaEu, LwaFe];

    public static IReadOnlyCollection<string> AuthorizePageHosts { get; } = [AuthorizeNa, AuthorizeEu, AuthorizeFe];

    public static HostKind KindOf(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return HostKind.Unknown;
        }

        if (Known.TryGetValue(host, out var known))
        {
            return known.Kind;
        }

        // Seller Central has one host per marketplace family; they all serve the same consent page.
        return IsSellerCentral(host) ? HostKind.SellerCentral : HostKind.Unknown;
    }

    /// <summary>The region (<c>na</c>, <c>eu</c>, <c>fe</c>) of a regional API host, or null.</summary>
    public static string? RegionOf(string host) =>
        Known.TryGetValue(host, out var known) ? known.Region : null;

    private static bool IsSellerCentral(string host) =>
        host.StartsWith(SellerCentralPrefix, StringComparison.OrdinalIgnoreCase)
        && host.Contains(".amazon.", StringComparison.OrdinalIgnoreCase);
}
