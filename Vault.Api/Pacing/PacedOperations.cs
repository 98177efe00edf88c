namespace Vault.Api.Pacing;

/// <summary>An SP-API operation with Amazon's default usage plan: <see cref="Rate"/> requests a second, <see cref="Burst"/> at once.</summary>
public sealed record PacedOperation(string Name, string Method, string PathTemplate, double Rate, int Burst)
{
    internal string[] Segments { get; } = PathTemplate.Split('/');
}

/// <summary>
/// The operations the vault paces, with the default rate and burst of each from the "Usage Plan" table in its
/// description in Amazon's published models (https://github.com/amzn/selling-partner-api-models, models/…): the APIs
/// a WMS uses most. An operation not listed here is not paced. The Ads API is not listed: Amazon publishes no
/// per-endpoint limits for it, its throttling is dynamic with Retry-After
/// (https://advertising.amazon.com/API/docs/en-us/reference/concepts/rate-limiting), which the retries honour.
/// The Tokens API is not proxied (RestrictedOperations); the vault's own RDT calls are few, one per resource and lifetime.
/// </summary>
public static class PacedOperations
{
    public static IReadOnlyList<PacedOperation> All { get; } =
    [
        // orders-api-model/ordersV0.json
        new("getOrders", "GET", "/orders/v0/orders", 0.0167, 20),
        new("getOrder", "GET", "/orders/v0/orders/{orderId}", 0.5, 30),
        new("getOrderBuyerInfo", "GET", "/orders/v0/orders/{orderId}/buyerInfo", 0.5, 30),
        new("getOrderAddress", "GET", "/orders/v0/orders/{orderId}/address", 0.5, 30),
        new("getOrderItems", "GET", "/orders/v0/orders/{orderId}/orderItems", 0.5, 30),
        new("getOrderItemsBuyerInfo", "GET", "/orders/v0/orders/{orderId}/orderItems/buyerInfo", 0.5, 30),
        new("updateShipmentStatus", "POST", "/orders/v0/orders/{orderId}/shipment", 5, 15),
        new("getOrderRegulatedInfo", "GET", "/orders/v0/orders/{orderId}/regulatedInfo", 0.5, 30),
        new("updateVerificationStatus", "PATCH", "/orders/v0/orders/{orderId}/regulatedInfo", 0.5, 30),
        new("confirmShipment", "POST", "/orders/v0/orders/{orderId}/shipmentConfirmation", 2, 10),
        // reports-api-model/reports_2021-06-30.json
        new("getReports", "GET", "/reports/2021-06-30/reports", 0.0222, 10),
        new("createReport", "POST", "/reports/2021-06-30/reports", 0.0167, 15),
        new("getReport", "GET", "/reports/2021-06-30/reports/{reportId}", 2, 15),
        new("cancelReport", "DELETE", "/reports/2021-06-30/reports/{reportId}", 0.0222, 10),
        new("getReportSchedules", "GET", "/reports/2021-06-30/schedules", 0.0222, 10),
        new("createReportSchedule", "POST", "/reports/2021-06-30/schedules", 0.0222, 10),
        new("getReportSchedule", "GET", "/reports/2021-06-30/schedules/{reportScheduleId}", 0.0222, 10),
        new("cancelReportSchedule", "DELETE", "/reports/2021-06-30/schedules/{reportScheduleId}", 0.0222, 10),
        new("getReportDocument", "GET", "/reports/2021-06-30/documents/{reportDocumentId}", 0.0167, 15),
        // feeds-api-model/feeds_2021-06-30.json
        new("getFeeds", "GET", "/feeds/2021-06-30/feeds", 0.0222, 10),
        new("createFeed", "POST", "/feeds/2021-06-30/feeds", 0.0083, 15),
        new("getFeed", "GET", "/feeds/2021-06-30/feeds/{feedId}", 2, 15),
        new("cancelFeed", "DELETE", "/feeds/2021-06-30/feeds/{feedId}", 2, 15),
        new("createFeedDocument", "POST", "/feeds/2021-06-30/documents", 0.5, 15),
        new("getFeedDocument", "GET", "/feeds/2021-06-30/documents/{feedDocumentId}", 0.0222, 10),
        // listings-items-api-model/listingsItems_2021-08-01.json
        new("searchListingsItems", "GET", "/listings/2021-08-01/items/{sellerId}", 5, 5),
        new("getListingsItem", "GET", "/listings/2021-08-01/items/{sellerId}/{sku}", 5, 10),
        new("putListingsItem", "PUT", "/listings/2021-08-01/items/{sellerId}/{sku}", 5, 10),
        new("patchListingsItem", "PATCH", "/listings/2021-08-01/items/{sellerId}/{sku}", 5, 5),
        new("deleteListingsItem", "DELETE", "/listings/2021-08-01/items/{sellerId}/{sku}", 5, 5),
        // catalog-items-api-model/catalogItems_2022-04-01.json
        new("searchCatalogItems", "GET", "/catalog/2022-04-01/items", 2, 2),
        new("getCatalogItem", "GET", "/catalog/2022-04-01/items/{asin}", 2, 2),
        // fba-inventory-api-model/fbaInventory.json
        new("getInventorySummaries", "GET", "/fba/inventory/v1/summaries", 2, 2),
        // fulfillment-outbound-api-model/fulfillmentOutbound_2020-07-01.json
        new("getFulfillmentPreview", "POST", "/fba/outbound/2020-07-01/fulfillmentOrders/preview", 2, 30),
        new("deliveryOffers", "POST", "/fba/outbound/2020-07-01/deliveryOffers", 5, 30),
        new("listAllFulfillmentOrders", "GET", "/fba/outbound/2020-07-01/fulfillmentOrders", 2, 30),
        new("createFulfillmentOrder", "POST", "/fba/outbound/2020-07-01/fulfillmentOrders", 2, 30),
        new("getPackageTrackingDetails", "GET", "/fba/outbound/2020-07-01/tracking", 2, 30),
        new("getFulfillmentOrder", "GET", "/fba/outbound/2020-07-01/fulfillmentOrders/{sellerFulfillmentOrderId}", 2, 30),
        new("updateFulfillmentOrder", "PUT", "/fba/outbound/2020-07-01/fulfillmentOrders/{sellerFulfillmentOrderId}", 2, 30),
        new("cancelFulfillmentOrder", "PUT", "/fba/outbound/2020-07-01/fulfillmentOrders/{sellerFulfillmentOrderId}/cancel", 2, 30),
        // merchant-fulfillment-api-model/merchantFulfillmentV0.json
        new("getEligibleShipmentServices", "POST", "/mfn/v0/eligibleShippingServices", 1, 1),
        new("getShipment", "GET", "/mfn/v0/shipments/{shipmentId}", 1, 1),
        new("cancelShipment", "DELETE", "/mfn/v0/shipments/{shipmentId}", 1, 1),
        new("createShipment", "POST", "/mfn/v0/shipments", 1, 1),
        // notifications-api-model/notifications.json
        new("getSubscription", "GET", "/notifications/v1/subscriptions/{notificationType}", 1, 5),
        new("createSubscription", "POST", "/notifications/v1/subscriptions/{notificationType}", 1, 5),
        new("getSubscriptionById", "GET", "/notifications/v1/subscriptions/{notificationType}/{subscriptionId}", 1, 5),
        new("deleteSubscriptionById", "DELETE", "/notifications/v1/subscriptions/{notificationType}/{subscriptionId}", 1, 5),
        new("getDestinations", "GET", "/notifications/v1/destinations", 1, 5),
        new("createDestination", "POST", "/notifications/v1/destinations", 1, 5),
        new("getDestination", "GET", "/notifications/v1/destinations/{destinationId}", 1, 5),
        new("deleteDestination", "DELETE", "/notifications/v1/destinations/{destinationId}", 1, 5),
        // sellers-api-model/sellers.json
        new("getMarketplaceParticipations", "GET", "/sellers/v1/marketplaceParticipations", 0.016, 15),
        new("getAccount", "GET", "/sellers/v1/account", 0.016, 15),
    ];

    // By first path segment, so that an unpaced call costs one dictionary probe on a span and no allocation.
    private static readonly Dictionary<string, PacedOperation[]> ByFirstSegment =
        All.GroupBy(o => o.Segments[1], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

    private static readonly Dictionary<string, PacedOperation[]>.AlternateLookup<ReadOnlySpan<char>> FirstSegment =
        ByFirstSegment.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The operation a call is, from its method and its path (no query; ProxyPath has checked it), or null.</summary>
    public static PacedOperation? Find(string method, ReadOnlySpan<char> path)
    {
        if (path.Length < 2 || path[0] != '/')
            return null;
        var rest = path[1..];
        var end = rest.IndexOf('/');
        if (!FirstSegment.TryGetValue(end < 0 ? rest : rest[..end], out var candidates))
            return null;
        var segments = path.ToString().Split('/');
        foreach (var operation in candidates)
        {
            if (string.Equals(operation.Method, method, StringComparison.OrdinalIgnoreCase) && Fits(operation.Segments, segments))
                return operation;
        }
        return null;
    }

    private static bool Fits(string[] template, string[] path)
    {
        if (template.Length != path.Length)
            return false;
        for (var i = 1; i < template.Length; i++)
        {
            var fits = template[i].StartsWith('{')
                ? path[i].Length > 0
                : string.Equals(template[i], path[i].Contains('%') ? Uri.UnescapeDataString(path[i]) : path[i], StringComparison.Ordinal);
            if (!fits)
                return false;
        }
        return true;
    }
}
