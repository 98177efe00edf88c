using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace Vault.AmazonSimulator.SpApi;

public sealed record Payload<T>([property: JsonPropertyName("payload")] T Value);

public sealed record OrdersList(IReadOnlyList<Order> Orders, string? NextToken = null);

public sealed record AddressPayload(string AmazonOrderId, OrderAddress ShippingAddress);

public sealed record BuyerInfoPayload(string AmazonOrderId, string BuyerEmail, string BuyerName);

/// <summary>
/// Orders API v0: https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference.
/// Orders use PascalCase member names, unlike most of SP-API.
/// </summary>
public static class OrdersApi
{
    private static readonly JsonSerializerOptions PascalCase = new()
    {
        PropertyNamingPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static RouteGroupBuilder MapOrders(this RouteGroupBuilder sp)
    {
        ArgumentNullException.ThrowIfNull(sp);
        sp.MapGet("/orders/v0/orders", GetOrders).WithMetadata(SpApiOperations.GetOrders);
        sp.MapGet("/orders/v0/orders/{orderId}", GetOrder).WithMetadata(SpApiOperations.GetOrder);
        sp.MapGet("/orders/v0/orders/{orderId}/address", GetOrderAddress).WithMetadata(SpApiOperations.GetOrderAddress);
        sp.MapGet("/orders/v0/orders/{orderId}/buyerInfo", GetOrderBuyerInfo).WithMetadata(SpApiOperations.GetOrderBuyerInfo);
        return sp;
    }

    private static IResult GetOrders(string host, HttpContext http, [FromQuery(Name = "MarketplaceIds")] string? marketplaceIds)
    {
        var region = AmazonHosts.RegionOf(host)!;
        var ids = (marketplaceIds ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (ids.Length == 0)
        {
            return SpApiErrors.InvalidInput("MarketplaceIds is required.");
        }

        var unknown = ids.FirstOrDefault(id => !Marketplaces.InRegion(region).Any(m => m.Id == id));
        if (unknown is not null)
        {
            return SpApiErrors.InvalidInput($"Invalid MarketplaceId: {unknown}");
        }

        var caller = http.Caller();
        var orders = SampleOrders.InMarketplaces(region, ids).Select(o => SampleOrders.Visible(o, caller, region)).ToList();
        return Results.Json(new Payload<OrdersList>(new OrdersList(orders)), PascalCase);
    }

    private static IResult GetOrder(string host, string orderId, HttpContext http)
    {
        var region = AmazonHosts.RegionOf(host)!;
        return SampleOrders.Find(region, orderId) is { } order
            ? Results.Json(new Payload<Order>(SampleOrders.Visible(order, http.Caller(), region)), PascalCase)
            : OrderNotFound(orderId);
    }

    private static IResult GetOrderAddress(string host, string orderId)
    {
        var address = SampleOrders.FullAddress(AmazonHosts.RegionOf(host)!, orderId);
        return address is null
            ? OrderNotFound(orderId)
            : Results.Json(new Payload<AddressPayload>(new AddressPayload(orderId, address)), PascalCase);
    }

    private static IResult GetOrderBuyerInfo(string host, string orderId)
    {
        var buyer = SampleOrders.Buyer(AmazonHosts.RegionOf(host)!, orderId);
        return buyer is null
            ? OrderNotFound(orderId)
            : Results.Json(new Payload<BuyerInfoPayload>(new BuyerInfoPayload(orderId, buyer.BuyerEmail, buyer.BuyerName)), PascalCase);
    }

    private static IResult OrderNotFound(string orderId) => SpApiErrors.NotFound($"Order {orderId} was not found.");
}
