namespace Vault.AmazonSimulator.SpApi;

public sealed record Money(string CurrencyCode, string Amount);

/// <summary>The non-PII part of an address, which getOrders returns without a Restricted Data Token.</summary>
public sealed record OrderAddress(
    string? Name,
    string? AddressLine1,
    string City,
    string StateOrRegion,
    string PostalCode,
    string CountryCode,
    string? Phone = null);

public sealed record BuyerInfo(string BuyerEmail, string BuyerName);

/// <summary>An order in the Orders API v0 shape (PascalCase, as Amazon sends it).</summary>
public sealed record Order(
    string AmazonOrderId,
    string PurchaseDate,
    string LastUpdateDate,
    string OrderStatus,
    string FulfillmentChannel,
    string SalesChannel,
    Money OrderTotal,
    int NumberOfItemsShipped,
    int NumberOfItemsUnshipped,
    string MarketplaceId,
    string OrderType,
    bool IsPrime,
    bool IsBusinessOrder,
    OrderAddress? ShippingAddress = null,
    BuyerInfo? BuyerInfo = null);

/// <summary>
/// A fixed set of orders per region so tests can name them. <c>123-1234567-1234567</c> is the order
/// id Amazon's own examples use.
/// </summary>
public static class SampleOrders
{
    private sealed record Sample(Order Order, OrderAddress FullAddress, BuyerInfo Buyer);

    private static readonly Sample[] Samples =
    [
        Make("123-1234567-1234567", "ATVPDKIKX0DER", "USD", "49.99", "Seattle", "WA", "98109", "US", "Unshipped"),
        Make("902-1845936-5435065", "ATVPDKIKX0DER", "USD", "15.00", "Austin", "TX", "78701", "US", "Shipped"),
        Make("701-9876543-2109876", "A2EUQ1WTGCTBG2", "CAD", "22.50", "Toronto", "ON", "M5V 2T6", "CA", "Shipped"),
        Make("202-1234567-1234567", "A1F83G8C2ARO7P", "GBP", "19.99", "London", "London", "EC1A 1BB", "GB", "Unshipped"),
        Make("305-7654321-7654321", "A1PA6795UKMFR9", "EUR", "35.00", "Berlin", "Berlin", "10115", "DE", "Shipped"),
        Make("503-1234567-1234567", "A1VC38T7YXB528", "JPY", "3200", "Tokyo", "Tokyo", "100-0001", "JP", "Unshipped"),
        Make("250-7654321-7654321", "A39IBJ37TRP1C6", "AUD", "42.00", "Sydney", "NSW", "2000", "AU", "Shipped"),
    ];

    public static IEnumerable<Order> InMarketplaces(string region, IReadOnlyCollection<string> marketplaceIds) =>
        InRegion(region).Where(s => marketplaceIds.Contains(s.Order.MarketplaceId)).Select(s => s.Order);

    public static Order? Find(string region, string orderId) => FindSample(region, orderId)?.Order;

    public static OrderAddress? FullAddress(string region, string orderId) => FindSample(region, orderId)?.FullAddress;

    public static BuyerInfo? Buyer(string region, string orderId) => FindSample(region, orderId)?.Buyer;

    /// <summary>An order as a caller with the given RDT data elements is allowed to see it.</summary>
    public static Order Visible(Order order, SpApiCaller caller, string region)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(caller);
        return order with
        {
            ShippingAddress = caller.Sees("shippingAddress") ? FullAddress(region, order.AmazonOrderId) : order.ShippingAddress,
            BuyerInfo = caller.Sees("buyerInfo") ? Buyer(region, order.AmazonOrderId) : null,
        };
    }

    private static Sample? FindSample(string region, string orderId) =>
        InRegion(region).FirstOrDefault(s => s.Order.AmazonOrderId == orderId);

    private static IEnumerable<Sample> InRegion(string region)
    {
        var ids = Marketplaces.InRegion(region).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        return Samples.Where(s => ids.Contains(s.Order.MarketplaceId));
    }

    private static Sample Make(
        string id, string marketplaceId, string currency, string amount,
        string city, string state, string postalCode, string country, string status)
    {
        var publicAddress = new OrderAddress(null, null, city, state, postalCode, country);
        var order = new Order(
            id, "2025-01-15T10:30:00Z", "2025-01-16T08:00:00Z", status, "MFN", Marketplaces.All.First(m => m.Id == marketplaceId).Name,
            new Money(currency, amount), status == "Shipped" ? 1 : 0, status == "Shipped" ? 0 : 1,
            marketplaceId, "StandardOrder", IsPrime: false, IsBusinessOrder: false, publicAddress);
        var full = publicAddress with { Name = "Simulated Buyer", AddressLine1 = "1 Simulation Way", Phone = "+1 555 0100" };
        var buyer = new BuyerInfo($"buyer-{id}@marketplace.amazon.example", "Simulated Buyer");
        return new Sample(order, full, buyer);
    }
}
