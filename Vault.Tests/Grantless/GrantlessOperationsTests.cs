using Vault.Api.Grantless;

namespace Vault.Tests.Grantless;

public class GrantlessOperationsTests
{
    [Theory]
    [InlineData("GET", "/notifications/v1/destinations", "getDestinations", "sellingpartnerapi::notifications")]
    [InlineData("POST", "/notifications/v1/destinations", "createDestination", "sellingpartnerapi::notifications")]
    [InlineData("GET", "/notifications/v1/destinations/9e7a83ee-7730-11e9-8f9e-2a86e4085a59", "getDestination", "sellingpartnerapi::notifications")]
    [InlineData("DELETE", "/notifications/v1/destinations/abc", "deleteDestination", "sellingpartnerapi::notifications")]
    [InlineData("POST", "/applications/2023-11-30/clientSecret", "rotateApplicationClientSecret", "sellingpartnerapi::client_credential:rotation")]
    [InlineData("post", "/applications/2023-11-30/clientSecret", "rotateApplicationClientSecret", "sellingpartnerapi::client_credential:rotation")]
    public void EachDocumentedGrantlessOperationHasItsScope(string method, string path, string operation, string scope)
    {
        var match = GrantlessOperations.Match(method, path);

        Assert.NotNull(match);
        Assert.Equal(operation, match.Name);
        Assert.Equal(scope, match.Scope);
    }

    [Theory]
    [InlineData("GET", "/orders/v0/orders")]
    [InlineData("PUT", "/notifications/v1/destinations")]
    [InlineData("GET", "/notifications/v1/destinations/abc/extra")]
    [InlineData("GET", "/notifications/v1/subscriptions/ANY_OFFER_CHANGED")]
    [InlineData("GET", "/applications/2023-11-30/clientSecret")]
    [InlineData("POST", "/applications/2023-11-30/clientsecret")]
    [InlineData("GET", "/authorization/v1/authorizationCode")]
    [InlineData("GET", "/notifications/v1/Destinations")]
    public void AnyOtherOperationHasNoScope(string method, string path) => Assert.Null(GrantlessOperations.Match(method, path));
}
