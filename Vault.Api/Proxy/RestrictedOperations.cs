using System.Text.RegularExpressions;

namespace Vault.Api.Proxy;

/// <summary>
/// SP-API operations that return personally identifiable information and need a Restricted Data Token in
/// place of the access token. https://developer-docs.amazon.com/sp-api/docs/tokens-api-use-case-guide
/// (restricted operations). getOrders, getOrder and getOrderItems return PII only when the RDT names data
/// elements; the caller asks for them with <see cref="DataElementsHeader"/>, so PII is fetched only on purpose.
/// </summary>
public static partial class RestrictedOperations
{
    /// <summary>Comma-separated data elements (buyerInfo, shippingAddress, buyerTaxInformation); a vault header, never forwarded.</summary>
    public const string DataElementsHeader = "x-vault-restricted-data-elements";

    private static readonly string[] KnownDataElements = ["buyerInfo", "shippingAddress", "buyerTaxInformation"];

    /// <summary>The resource to name in createRestrictedDataToken.</summary>
    public sealed record Resource(string Method, string Path, IReadOnlyList<string>? DataElements)
    {
        public string CacheKey => $"{Method} {Path} {string.Join(',', DataElements ?? [])}";
    }

    /// <summary>The restricted resource a call needs, null for an ordinary call, or an error for bad data elements.</summary>
    public static Resource? Match(string method, string path, string? dataElementsHeader, out string? error)
    {
        error = null;
        var elements = ParseElements(dataElementsHeader, ref error);
        if (error is not null)
            return null;
        if (method == HttpMethods.Get && (OrderAddress().IsMatch(path) || OrderBuyerInfo().IsMatch(path) || MfnShipment().IsMatch(path) || FbaOutboundOrder().IsMatch(path)))
            return new Resource(method, path, null);
        if (method == HttpMethods.Post && path == "/mfn/v0/shipments")
            return new Resource(method, path, null);
        if (elements is not null && method == HttpMethods.Get && (path == "/orders/v0/orders" || Order().IsMatch(path) || OrderItems().IsMatch(path)))
            return new Resource(method, path, elements);
        if (elements is not null)
            error = $"{DataElementsHeader}: only for getOrders, getOrder and getOrderItems";
        return null;
    }

    private static string[]? ParseElements(string? header, ref string? error)
    {
        if (string.IsNullOrWhiteSpace(header))
            return null;
        var elements = header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (elements.Length == 0 || elements.Any(e => !KnownDataElements.Contains(e, StringComparer.Ordinal)))
            error = $"{DataElementsHeader}: a comma-separated list of {string.Join(", ", KnownDataElements)}";
        return elements;
    }

    [GeneratedRegex("^/orders/v0/orders/[^/]+/address$")]
    private static partial Regex OrderAddress();

    [GeneratedRegex("^/orders/v0/orders/[^/]+/(buyerInfo|orderItems/buyerInfo)$")]
    private static partial Regex OrderBuyerInfo();

    [GeneratedRegex("^/orders/v0/orders/[^/]+$")]
    private static partial Regex Order();

    [GeneratedRegex("^/orders/v0/orders/[^/]+/orderItems$")]
    private static partial Regex OrderItems();

    [GeneratedRegex("^/mfn/v0/shipments/[^/]+$")]
    private static partial Regex MfnShipment();

    [GeneratedRegex("^/fba/outbound/2020-07-01/fulfillmentOrders/[^/]+$")]
    private static partial Regex FbaOutboundOrder();
}
