namespace Vault.AmazonSimulator.SpApi;

public sealed record SpApiError(string Code, string Message, string Details);

public sealed record SpApiErrorList(IReadOnlyList<SpApiError> Errors);

/// <summary>
/// SP-API's error list shape and codes:
/// https://developer-docs.amazon.com/sp-api/docs/response-format and
/// https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits (QuotaExceeded).
/// </summary>
public static class SpApiErrors
{
    public const string AccessDenied = "Access to requested resource is denied.";

    public static IResult Unauthorized(string details = "") => Error(403, "Unauthorized", AccessDenied, details);

    public static IResult InvalidInput(string message) => Error(400, "InvalidInput", message, "");

    public static IResult NotFound(string message = "Resource not found.") => Error(404, "NotFound", message, "");

    public static IResult QuotaExceeded() =>
        Error(429, "QuotaExceeded", "You exceeded your quota for the requested resource.", "");

    /// <summary>The body Amazon sends with an arbitrary status, used by fault injection.</summary>
    public static IResult ForStatus(int status) => status switch
    {
        400 => InvalidInput("Invalid input."),
        403 => Unauthorized(),
        404 => NotFound(),
        429 => QuotaExceeded(),
        503 => Error(503, "ServiceUnavailable", "Service is temporarily unavailable. Please try again.", ""),
        >= 500 => Error(status, "InternalFailure", "We encountered an internal error. Please try again.", ""),
        _ => Error(status, "InvalidInput", "The request could not be processed.", ""),
    };

    public static IResult Error(int status, string code, string message, string details) =>
        Results.Json(new SpApiErrorList([new SpApiError(code, message, details)]), statusCode: status);
}
