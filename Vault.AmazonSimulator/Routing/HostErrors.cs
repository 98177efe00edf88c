using Vault.AmazonSimulator.Ads;
using Vault.AmazonSimulator.Consent;
using Vault.AmazonSimulator.Lwa;
using Vault.AmazonSimulator.SpApi;

namespace Vault.AmazonSimulator.Routing;

/// <summary>An error response in the shape the called Amazon host would use for that status.</summary>
public static class HostErrors
{
    public static IResult For(HttpContext http, HostKind kind, int status) => kind switch
    {
        HostKind.SpApi or HostKind.SpApiSandbox => SpApiErrors.ForStatus(status),
        HostKind.Ads => AdsErrors.ForStatus(http, status),
        HostKind.LwaToken => status switch
        {
            404 => LwaErrors.NotFound(),
            429 or 503 => LwaErrors.Error("temporarily_unavailable", "The service is temporarily unavailable", status),
            >= 500 => LwaErrors.Error("server_error", "The server encountered an unexpected error", status),
            _ => LwaErrors.Error("invalid_request", "The request could not be processed", status),
        },
        HostKind.SellerCentral or HostKind.LwaAuthorizePage =>
            ConsentPages.Error(status == 404 ? "The page you requested was not found." : "Something went wrong.", status),
        _ => Results.Text($"No Amazon host is simulated at this address ({status}).", statusCode: status),
    };

    /// <summary>Answers anything no route matched, as the Amazon host would: 404 in its own error shape.</summary>
    public static IEndpointRouteBuilder MapAmazonNotFound(this IEndpointRouteBuilder app)
    {
        app.MapFallback("/{**path}", (HttpContext http) =>
            AmazonRequest.From(http.Request) is { } amazon
                ? For(http, amazon.Kind, 404)
                : Results.Json(new { error = "not_found", message = "Unknown simulator control (or a body sent without Content-Type: application/json)." }, statusCode: 404));
        return app;
    }
}
