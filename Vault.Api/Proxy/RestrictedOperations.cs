using Vault.Api.Amazon;

namespace Vault.Api.Proxy;

/// <summary>
/// SP-API operations that return personally identifiable information and need a Restricted Data Token in place of
/// the access token: Amazon's list in https://developer-docs.amazon.com/sp-api/docs/tokens-api-use-case-guide
/// ("List of restricted operations"). getOrders, getOrder and getOrderItems return PII only when the RDT names data
/// elements, and getReportDocument is restricted only for restricted report types, which the vault cannot tell from
/// a document id: for these the caller asks with <see cref="DataElementsHeader"/> or <see cref="RestrictedReportHeader"/>,
/// so PII is fetched only on purpose.
/// </summary>
public static class RestrictedOperations
{
    /// <summary>Comma-separated data elements (buyerInfo, shippingAddress, buyerTaxInformation); a vault header, never forwarded.</summary>
    public const string DataElementsHeader = "x-vault-restricted-data-elements";

    /// <summary><c>true</c> when a getReportDocument call is for a restricted report type; a vault header, never forwarded.</summary>
    public const string RestrictedReportHeader = "x-vault-restricted-report";

    private static readonly string[] KnownDataElements = ["buyerInfo", "shippingAddress", "buyerTaxInformation"];

    private enum Need
    {
        Always,
        WithDataElements,
        ForRestrictedReport,
    }

    private sealed record Operation(string Method, string PathTemplate, Need Need)
    {
        /// <summary>Split once: every proxied call is matched against the whole list.</summary>
        public string[] Segments { get; } = PathTemplate.Split('/');
    }

    private static readonly Operation[] Operations =
    [
        // Orders API v0
        new("GET", "/orders/v0/orders", Need.WithDataElements), // getOrders
        new("GET", "/orders/v0/orders/{orderId}", Need.WithDataElements), // getOrder
        new("GET", "/orders/v0/orders/{orderId}/orderItems", Need.WithDataElements), // getOrderItems
        new("GET", "/orders/v0/orders/{orderId}/address", Need.Always), // getOrderAddress
        new("GET", "/orders/v0/orders/{orderId}/buyerInfo", Need.Always), // getOrderBuyerInfo
        new("GET", "/orders/v0/orders/{orderId}/orderItems/buyerInfo", Need.Always), // getOrderItemsBuyerInfo
        new("GET", "/orders/v0/orders/{orderId}/regulatedInfo", Need.Always), // getOrderRegulatedInfo
        // Merchant Fulfillment API v0
        new("GET", "/mfn/v0/shipments/{shipmentId}", Need.Always), // getShipment
        new("DELETE", "/mfn/v0/shipments/{shipmentId}", Need.Always), // cancelShipment
        new("PUT", "/mfn/v0/shipments/{shipmentId}/cancel", Need.Always), // cancelShipmentOld
        new("POST", "/mfn/v0/shipments", Need.Always), // createShipment
        // Reports API 2021-06-30
        new("GET", "/reports/2021-06-30/documents/{reportDocumentId}", Need.ForRestrictedReport), // getReportDocument
        // Shipment Invoicing API v0
        new("GET", "/fba/outbound/brazil/v0/shipments/{shipmentId}", Need.Always), // getShipmentDetails
        // Easy Ship API 2022-03-23
        new("POST", "/easyShip/2022-03-23/packages/bulk", Need.Always), // createScheduledPackageBulk
        // Vendor Direct Fulfillment Orders API v1 and 2021-12-28
        new("GET", "/vendor/directFulfillment/orders/v1/purchaseOrders", Need.Always), // getOrders
        new("GET", "/vendor/directFulfillment/orders/v1/purchaseOrders/{purchaseOrderNumber}", Need.Always), // getOrder
        new("GET", "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders", Need.Always),
        new("GET", "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders/{purchaseOrderNumber}", Need.Always),
        // Vendor Direct Fulfillment Shipping API v1
        new("GET", "/vendor/directFulfillment/shipping/v1/shippingLabels/{purchaseOrderNumber}", Need.Always), // getShippingLabel
        new("GET", "/vendor/directFulfillment/shipping/v1/shippingLabels", Need.Always), // getShippingLabels
        new("GET", "/vendor/directFulfillment/shipping/v1/packingSlips/{purchaseOrderNumber}", Need.Always), // getPackingSlip
        new("GET", "/vendor/directFulfillment/shipping/v1/packingSlips", Need.Always), // getPackingSlips
        new("GET", "/vendor/directFulfillment/shipping/v1/customerInvoices/{purchaseOrderNumber}", Need.Always), // getCustomerInvoice
        new("GET", "/vendor/directFulfillment/shipping/v1/customerInvoices", Need.Always), // getCustomerInvoices
        // Vendor Direct Fulfillment Shipping API 2021-12-28
        new("POST", "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels/{purchaseOrderNumber}", Need.Always), // createShippingLabels
        new("GET", "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels/{purchaseOrderNumber}", Need.Always), // getShippingLabel
        new("GET", "/vendor/directFulfillment/shipping/2021-12-28/packingSlips/{purchaseOrderNumber}", Need.Always), // getPackingSlip
        new("GET", "/vendor/directFulfillment/shipping/2021-12-28/packingSlips", Need.Always), // getPackingSlips
        new("GET", "/vendor/directFulfillment/shipping/2021-12-28/customerInvoices/{purchaseOrderNumber}", Need.Always), // getCustomerInvoice
        new("GET", "/vendor/directFulfillment/shipping/2021-12-28/customerInvoices", Need.Always), // getCustomerInvoices
    ];

    /// <summary>The resource to name in createRestrictedDataToken.</summary>
    public sealed record Resource(string Method, string Path, IReadOnlyList<string>? DataElements)
    {
        public string CacheKey => $"{Method} {Path} {string.Join(',', DataElements ?? [])}";
    }

    /// <summary>
    /// True for the Tokens API however its first segment is spelled. An RDT is a bearer credential for buyer PII:
    /// handed to a caller it would be used beyond the vault's audit and would outlive a delete.
    /// </summary>
    public static bool IsTokensApi(string path)
    {
        var first = path.AsSpan(1);
        var end = first.IndexOf('/');
        var segment = end < 0 ? first : first[..end];
        return segment.Contains('%')
            ? string.Equals(Uri.UnescapeDataString(segment.ToString()), "tokens", StringComparison.OrdinalIgnoreCase)
            : segment.Equals("tokens", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The restricted resource a call needs, or null for an ordinary call; <paramref name="refusal"/> says why a call is
    /// refused instead: the Tokens API, or a vault header that is malformed or means nothing for this call.
    /// </summary>
    public static Resource? Match(AmazonApi api, string method, string path, IHeaderDictionary headers, out string? refusal)
    {
        if (api != AmazonApi.SpApi)
        {
            refusal = headers.ContainsKey(DataElementsHeader) ? $"{DataElementsHeader}: only for SP-API calls"
                : headers.ContainsKey(RestrictedReportHeader) ? $"{RestrictedReportHeader}: only for SP-API calls"
                : null;
            return null;
        }
        refusal = IsTokensApi(path)
            ? "path: the Tokens API is not proxied; the vault mints Restricted Data Tokens itself for the restricted operations it forwards"
            : null;
        var elements = ParseElements(headers[DataElementsHeader], ref refusal);
        var report = ParseReport(headers, ref refusal);
        if (refusal is not null)
            return null;
        var decoded = Decoded(path);
        Operation? operation = null;
        foreach (var candidate in Operations)
        {
            if (candidate.Method == method && Fits(candidate.Segments, decoded))
            {
                operation = candidate;
                break;
            }
        }
        if (elements is not null && operation?.Need != Need.WithDataElements)
            refusal = $"{DataElementsHeader}: only for getOrders, getOrder and getOrderItems";
        else if (report is not null && operation?.Need != Need.ForRestrictedReport)
            refusal = $"{RestrictedReportHeader}: only for getReportDocument";
        if (refusal is not null || operation is null)
            return null;
        return operation.Need switch
        {
            Need.Always => new Resource(method, decoded, null),
            Need.WithDataElements when elements is not null => new Resource(method, decoded, elements),
            // Amazon takes an RDT for getReportDocument only for the document's specific path, which this is.
            Need.ForRestrictedReport when report == true => new Resource(method, decoded, null),
            _ => null,
        };
    }

    private static string[]? ParseElements(string? header, ref string? error)
    {
        if (string.IsNullOrWhiteSpace(header) || error is not null)
            return null;
        var elements = header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (elements.Length == 0 || elements.Any(e => !KnownDataElements.Contains(e, StringComparer.Ordinal)))
            error = $"{DataElementsHeader}: a comma-separated list of {string.Join(", ", KnownDataElements)}";
        return elements;
    }

    private static bool? ParseReport(IHeaderDictionary headers, ref string? error)
    {
        if (!headers.TryGetValue(RestrictedReportHeader, out var values) || error is not null)
            return null;
        if (values.Count == 1 && values[0] is "true" or "false")
            return values[0] == "true";
        error = $"{RestrictedReportHeader}: true or false";
        return null;
    }

    /// <summary>The path as Amazon reads it: ProxyPath has already refused encoded slashes and dot segments.</summary>
    /// <remarks>Without a '%' there is nothing to decode, and the path is returned as it is (the common case, no allocation).</remarks>
    private static string Decoded(string path) =>
        path.Contains('%', StringComparison.Ordinal) ? string.Join('/', path.Split('/').Select(Uri.UnescapeDataString)) : path;

    /// <summary>Segment by segment, without splitting the path: this runs for each listed operation on every call.</summary>
    private static bool Fits(string[] template, string path)
    {
        var span = path.AsSpan();
        var i = 0;
        foreach (var range in span.Split('/'))
        {
            if (i == template.Length)
                return false;
            var segment = span[range];
            var expected = template[i++];
            if (!(expected.StartsWith('{') ? segment.Length > 0 : segment.SequenceEqual(expected)))
                return false;
        }
        return i == template.Length;
    }
}
