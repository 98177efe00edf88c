using System.Globalization;

namespace Vault.AmazonSimulator.SpApi;

/// <summary>Whether an operation returns restricted data (PII) and so needs a Restricted Data Token.</summary>
public enum Restriction
{
    /// <summary>A plain LWA access token.</summary>
    None,

    /// <summary>A plain access token, or an RDT that adds PII to the response (getOrder, getOrders).</summary>
    Optional,

    /// <summary>Only an RDT covering the call (getOrderAddress, getOrderBuyerInfo).</summary>
    Required,

    /// <summary>
    /// A plain access token, or an RDT naming the specific path, never a generic one; the document of a restricted
    /// report type needs the RDT (getReportDocument).
    /// </summary>
    ReportType,
}

/// <summary>An SP-API operation with its documented usage plan (requests per second and burst).</summary>
public sealed record SpApiOperation(string Name, string Method, string PathTemplate, double Rate, int Burst, Restriction Restriction)
{
    /// <summary>The value of <c>x-amzn-RateLimit-Limit</c>: requests per second, as Amazon formats it.</summary>
    public static string FormatRate(double rate) => rate.ToString("0.####", CultureInfo.InvariantCulture);

    public bool Matches(string method, string path) =>
        string.Equals(Method, method, StringComparison.OrdinalIgnoreCase) && SpApiPaths.Match(PathTemplate, path);
}

/// <summary>
/// The operations the simulator serves, with rates from Amazon's rate-limit tables:
/// https://developer-docs.amazon.com/sp-api/docs/orders-api-rate-limits,
/// https://developer-docs.amazon.com/sp-api/docs/sellers-api-rate-limits,
/// https://developer-docs.amazon.com/sp-api/docs/tokens-api-rate-limits.
/// Restricted operations: https://developer-docs.amazon.com/sp-api/docs/tokens-api-use-case-guide
/// </summary>
public static class SpApiOperations
{
    public static readonly SpApiOperation GetMarketplaceParticipations =
        new("getMarketplaceParticipations", "GET", "/sellers/v1/marketplaceParticipations", 0.016, 15, Restriction.None);

    public static readonly SpApiOperation GetOrders =
        new("getOrders", "GET", "/orders/v0/orders", 0.0167, 20, Restriction.Optional);

    public static readonly SpApiOperation GetOrder =
        new("getOrder", "GET", "/orders/v0/orders/{orderId}", 0.5, 30, Restriction.Optional);

    public static readonly SpApiOperation GetOrderAddress =
        new("getOrderAddress", "GET", "/orders/v0/orders/{orderId}/address", 0.5, 30, Restriction.Required);

    public static readonly SpApiOperation GetOrderBuyerInfo =
        new("getOrderBuyerInfo", "GET", "/orders/v0/orders/{orderId}/buyerInfo", 0.5, 30, Restriction.Required);

    /// <summary>https://developer-docs.amazon.com/sp-api/docs/reports-api-rate-limits</summary>
    public static readonly SpApiOperation GetReportDocument =
        new("getReportDocument", "GET", "/reports/2021-06-30/documents/{reportDocumentId}", 0.0167, 15, Restriction.ReportType);

    /// <summary>https://developer-docs.amazon.com/sp-api/docs/fba-inventory-api-v1-reference (usage plan in models/fba-inventory-api-model).</summary>
    public static readonly SpApiOperation GetInventorySummaries =
        new("getInventorySummaries", "GET", "/fba/inventory/v1/summaries", 2, 2, Restriction.None);

    public static readonly SpApiOperation CreateRestrictedDataToken =
        new("createRestrictedDataToken", "POST", "/tokens/2021-03-01/restrictedDataToken", 1, 10, Restriction.None);

    public static IReadOnlyList<SpApiOperation> All { get; } =
        [GetMarketplaceParticipations, GetOrders, GetOrder, GetOrderAddress, GetOrderBuyerInfo, GetReportDocument, GetInventorySummaries, CreateRestrictedDataToken];

    public static SpApiOperation? Find(string method, string path) => All.FirstOrDefault(o => o.Matches(method, path));

    public static SpApiOperation? FindByName(string name) =>
        All.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase));
}

public static class SpApiPaths
{
    /// <summary>
    /// True when <paramref name="path"/> fits <paramref name="template"/>, where a <c>{name}</c>
    /// segment of the template stands for any one segment of the path.
    /// </summary>
    public static bool Match(string template, string path)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(path);
        var t = template.TrimEnd('/').Split('/');
        var p = path.TrimEnd('/').Split('/');
        return t.Length == p.Length
            && t.Zip(p).All(pair => IsPlaceholder(pair.First) ? pair.Second.Length > 0 : string.Equals(pair.First, pair.Second, StringComparison.Ordinal));
    }

    public static bool IsPlaceholder(string segment) =>
        segment.Length > 2 && segment[0] == '{' && segment[^1] == '}';
}
