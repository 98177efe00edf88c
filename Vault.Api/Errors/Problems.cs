using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Vault.Api.Errors;

/// <summary>
/// The error answers of docs/API.md: application/problem+json with a stable <c>code</c> and the request id.
/// Details name the field or rule at fault, never a value a caller sent.
/// </summary>
public static class Problems
{
    /// <summary>The contract in the repository; its "Errors" table has an anchor <c>error-{code}</c> for every code.</summary>
    public const string ContractUrl = "https://github.com/amazon-token-vault/vault/blob/main/docs/API.md";

    /// <summary>A problem's <c>type</c> is this plus its code with dashes for underscores (ContractTests checks each resolves).</summary>
    public const string TypeBase = ContractUrl + "#error-";

    public static ProblemHttpResult Create(int status, string code, string title, string detail, TimeSpan? retryAfter = null)
    {
        var problem = new ProblemDetails
        {
            Type = TypeBase + code.Replace('_', '-'),
            Title = title,
            Status = status,
            Detail = detail,
        };
        problem.Extensions["code"] = code;
        if (retryAfter is { } wait)
            problem.Extensions["retryAfterSeconds"] = (int)Math.Ceiling(wait.TotalSeconds);
        return TypedResults.Problem(problem);
    }

    public static ProblemHttpResult InvalidRequest(string detail) => Create(400, "invalid_request", "Invalid request", detail);

    public static ProblemHttpResult InvalidSecretFormat(string detail) => Create(400, "invalid_secret_format", "Invalid seller secret", detail);

    public static ProblemHttpResult SecretMismatch() =>
        Create(403, "secret_mismatch", "Secret does not match", "the seller secret does not open the stored token");

    public static ProblemHttpResult SellerNotFound() => Create(404, "seller_not_found", "Seller not found", "no seller with that id");

    public static ProblemHttpResult EventNotFound() => Create(404, "event_not_found", "Event not found", "no event with that id");

    public static ProblemHttpResult ConnectionNotFound() => Create(404, "connection_not_found", "Connection not found", "no connection for that seller and api");

    public static ProblemHttpResult ReauthorizationRequired() =>
        Create(409, "reauthorization_required", "Reauthorization required", "Amazon refused the refresh token: the seller must authorize again");

    public static ProblemHttpResult AmazonError(string detail) => Create(502, "amazon_error", "Amazon error", detail);

    public static ProblemHttpResult AmazonTimeout() => Create(504, "amazon_timeout", "Amazon timeout", "Amazon did not answer in time");

    public static ProblemHttpResult UnsupportedGrantlessOperation() => Create(400, "unsupported_grantless_operation", "Not a grantless operation",
        "method and path: not one of the grantless operations the vault serves (Notifications API destinations, rotateApplicationClientSecret)");

    /// <summary>LWA refused the client_credentials grant for the operation's scope: the application is not allowed that scope.</summary>
    public static ProblemHttpResult GrantlessScopeRefused(string scope, string? amazonCode)
    {
        var problem = Create(403, "grantless_scope_refused", "Grantless scope refused",
            $"Login with Amazon refused the vault's SP-API application the scope {scope} ({amazonCode ?? "invalid_scope"})");
        problem.ProblemDetails.Extensions["scope"] = scope;
        problem.ProblemDetails.Extensions["amazonError"] = amazonCode ?? "invalid_scope";
        return problem;
    }

    public static ProblemHttpResult Busy(TimeSpan retryAfter) =>
        Create(503, "busy", "Busy", "too many key derivations are queued; retry later", retryAfter);
}
