namespace Vault.AmazonSimulator.Ads;

public sealed record AdsError(string Code, string Details, string? RequestId = null);

/// <summary>
/// The Ads API's error shape <c>{"code","details","requestId"}</c>:
/// https://advertising.amazon.com/API/docs/en-us/reference/concepts/errors
/// </summary>
public static class AdsErrors
{
    public static IResult Unauthorized(HttpContext http, string details) => Error(http, 401, "UNAUTHORIZED", details);

    public static IResult MissingScope(HttpContext http) => Error(http, 400, "400", "Scope header is missing");

    public static IResult NotFound(HttpContext http, string details = "Not Found") => Error(http, 404, "NOT_FOUND", details);

    public static IResult ForStatus(HttpContext http, int status) => status switch
    {
        400 => Error(http, 400, "BAD_REQUEST", "The request input is invalid."),
        401 => Unauthorized(http, "Not authorized to access this advertiser"),
        404 => NotFound(http),
        429 => Error(http, 429, "THROTTLED", "Too Many Requests"),
        >= 500 => Error(http, status, "SERVER_IS_BUSY", "Server is busy. Please try again later."),
        _ => Error(http, status, status.ToString(System.Globalization.CultureInfo.InvariantCulture), "Request failed"),
    };

    public static IResult Error(HttpContext http, int status, string code, string details)
    {
        ArgumentNullException.ThrowIfNull(http);
        var requestId = http.Response.Headers[Controls.CallRecording.RequestIdHeader].ToString();
        return Results.Json(new AdsError(code, details, requestId.Length == 0 ? null : requestId), statusCode: status);
    }
}
