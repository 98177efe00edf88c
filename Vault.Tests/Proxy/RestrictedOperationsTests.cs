using Microsoft.AspNetCore.Http;
using Vault.Api.Amazon;
using Vault.Api.Proxy;

namespace Vault.Tests.Proxy;

/// <summary>Amazon's list of restricted operations (tokens-api-use-case-guide), operation by operation.</summary>
public class RestrictedOperationsTests
{
    [Theory]
    [InlineData("GET", "/orders/v0/orders/123-1234567-1234567/address")] // getOrderAddress
    [InlineData("GET", "/orders/v0/orders/123-1234567-1234567/buyerInfo")] // getOrderBuyerInfo
    [InlineData("GET", "/orders/v0/orders/123-1234567-1234567/orderItems/buyerInfo")] // getOrderItemsBuyerInfo
    [InlineData("GET", "/orders/v0/orders/123-1234567-1234567/regulatedInfo")] // getOrderRegulatedInfo
    [InlineData("GET", "/mfn/v0/shipments/FBA1234ABC5D")] // getShipment
    [InlineData("DELETE", "/mfn/v0/shipments/FBA1234ABC5D")] // cancelShipment
    [InlineData("PUT", "/mfn/v0/shipments/FBA1234ABC5D/cancel")] // cancelShipmentOld
    [InlineData("POST", "/mfn/v0/shipments")] // createShipment
    [InlineData("GET", "/fba/outbound/brazil/v0/shipments/12345")] // getShipmentDetails
    [InlineData("POST", "/easyShip/2022-03-23/packages/bulk")] // createScheduledPackageBulk
    [InlineData("GET", "/vendor/directFulfillment/orders/v1/purchaseOrders")]
    [InlineData("GET", "/vendor/directFulfillment/orders/2021-12-28/purchaseOrders/PO123")]
    [InlineData("GET", "/vendor/directFulfillment/shipping/v1/shippingLabels/PO123")]
    [InlineData("GET", "/vendor/directFulfillment/shipping/v1/customerInvoices")]
    [InlineData("POST", "/vendor/directFulfillment/shipping/2021-12-28/shippingLabels/PO123")]
    [InlineData("GET", "/vendor/directFulfillment/shipping/2021-12-28/packingSlips/PO123")]
    public void AnOperationOnAmazonsListAlwaysGetsAnRdtNamingItsPath(string method, string path)
    {
        var resource = RestrictedOperations.Match(AmazonApi.SpApi, method, path, new HeaderDictionary(), out var error);

        Assert.Null(error);
        Assert.Equal(new RestrictedOperations.Resource(method, path, null), resource);
    }

    [Theory]
    [InlineData("GET", "/orders/v0/orders")]
    [InlineData("GET", "/orders/v0/orders/123-1234567-1234567")]
    [InlineData("GET", "/orders/v0/orders/123-1234567-1234567/orderItems")]
    [InlineData("GET", "/reports/2021-06-30/documents/amzn1.spdoc.1.4.na.x")]
    [InlineData("GET", "/fba/outbound/2020-07-01/fulfillmentOrders/order-1")] // not on Amazon's list
    [InlineData("GET", "/sellers/v1/marketplaceParticipations")]
    [InlineData("POST", "/orders/v0/orders/123-1234567-1234567/address")]
    public void AnOperationThatNeedsNoRdtUnlessAskedGetsNone(string method, string path)
    {
        Assert.Null(RestrictedOperations.Match(AmazonApi.SpApi, method, path, new HeaderDictionary(), out var error));
        Assert.Null(error);
    }

    [Fact]
    public void TheCallerOptsInForAReportDocumentAndForDataElements()
    {
        const string document = "/reports/2021-06-30/documents/amzn1.spdoc.1.4.na.x";
        var report = RestrictedOperations.Match(AmazonApi.SpApi, "GET", document, new HeaderDictionary { [RestrictedOperations.RestrictedReportHeader] = "true" }, out var reportError);
        var notRestricted = RestrictedOperations.Match(AmazonApi.SpApi, "GET", document, new HeaderDictionary { [RestrictedOperations.RestrictedReportHeader] = "false" }, out var falseError);
        var orders = RestrictedOperations.Match(AmazonApi.SpApi, "GET", "/orders/v0/orders", new HeaderDictionary { [RestrictedOperations.DataElementsHeader] = "shippingAddress, buyerInfo" }, out var ordersError);

        Assert.Equal(new RestrictedOperations.Resource("GET", document, null), report);
        Assert.Null(notRestricted);
        Assert.Equal(["buyerInfo", "shippingAddress"], orders!.DataElements);
        Assert.All(new[] { reportError, falseError, ordersError }, Assert.Null);
    }

    [Fact]
    public void MatchingAnOrdinaryCallAllocatesNothing()
    {
        // Every proxied call is matched against the whole list; it used to split each template and the path (13 KB a call).
        var headers = new HeaderDictionary();
        const string path = "/sellers/v1/marketplaceParticipations";
        Assert.Null(RestrictedOperations.Match(AmazonApi.SpApi, "GET", path, headers, out _));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
            RestrictedOperations.Match(AmazonApi.SpApi, "GET", path, headers, out _);

        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1_000);
    }

    [Theory]
    [InlineData("/tokens/2021-03-01/restrictedDataToken", true)]
    [InlineData("/TOKENS/2021-03-01/restrictedDataToken", true)]
    [InlineData("/tok%65ns/2021-03-01/restrictedDataToken", true)]
    [InlineData("/tokens", true)]
    [InlineData("/tokensapi/x", false)]
    [InlineData("/orders/v0/tokens", false)]
    public void TheTokensApiIsRecognisedHoweverItIsSpelled(string path, bool expected) =>
        Assert.Equal(expected, RestrictedOperations.IsTokensApi(path));
}
