using System.Text.Json.Serialization;

namespace Vault.AmazonSimulator.Lwa;

public sealed record LwaError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription);

/// <summary>
/// LWA's OAuth error bodies and statuses (RFC 6749 section 5.2, as LWA sends them):
/// https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html#access-token-errors
/// </summary>
public static class LwaErrors
{
    public static IResult InvalidRequest(string description) => Error("invalid_request", description, 400);

    public static IResult MissingParameter(string name) =>
        InvalidRequest($"The request is missing a required parameter : {name}");

    public static IResult InvalidGrant(string parameter) =>
        Error("invalid_grant", $"The request has an invalid grant parameter : {parameter}", 400);

    public static IResult InvalidClient() => Error("invalid_client", "Client authentication failed", 401);

    public static IResult UnauthorizedClient() =>
        Error("unauthorized_client", "Not authorized for requested operation", 400);

    public static IResult UnsupportedGrantType() =>
        Error("unsupported_grant_type", "The authorization grant type is not supported by the authorization server", 400);

    public static IResult InvalidScope() => Error("invalid_scope", "An unknown scope was requested", 400);

    /// <summary>
    /// A client_credentials grant for a scope the app may not use; the body LWA sends then, as developers report it
    /// (amzn/selling-partner-api-models issue 1238).
    /// </summary>
    public static IResult ScopeNotAllowed() => Error("invalid_scope", "The request has an invalid parameter : scope", 400);

    public static IResult NotFound() => Error("invalid_request", "The requested resource was not found", 404);

    public static IResult Error(string error, string description, int status) =>
        Results.Json(new LwaError(error, description), statusCode: status);
}
