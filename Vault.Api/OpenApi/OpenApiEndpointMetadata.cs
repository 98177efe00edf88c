using Vault.Api.Sellers;
namespace Vault.Api.OpenApi;

/// <summary>A request header an operation needs that is not a bound parameter (the seller secrets, read by hand).</summary>
public sealed record HeaderParameterMetadata(string Name, string Description);

/// <summary>
/// The JSON body an operation reads by hand (JsonBody). Not <c>Accepts&lt;T&gt;</c>: that metadata also makes routing
/// answer 415 to another content type, where the vault answers 400 invalid_request naming the body.
/// </summary>
public sealed record JsonBodyMetadata(Type Type);

/// <summary>A query parameter an operation reads by hand (to answer invalid_request naming it, not a binding failure).</summary>
public sealed record QueryParameterMetadata(string Name, string Description, bool IsInteger = false, string? Format = null);

/// <summary>
/// What the handlers do by hand, said once on the mapping line so the OpenAPI document (OpenApiExtensions) can
/// describe it: the seller-secret headers, query parameters, and the problems an operation answers.
/// </summary>
public static class OpenApiEndpointMetadata
{
    public const string SecretDescription =
        "The seller's secret (docs/FORMAT.md \"The seller secret\"): standard base64 of at least 32 bytes, at most 64 characters. Never stored.";

    public static RouteHandlerBuilder WithJsonBody<T>(this RouteHandlerBuilder builder) => builder.WithMetadata(new JsonBodyMetadata(typeof(T)));

    /// <summary>The operation opens or seals a refresh token with the seller's secret (and, rotating, the new one).</summary>
    public static RouteHandlerBuilder WithSellerSecret(this RouteHandlerBuilder builder, bool withNewSecret = false)
    {
        builder.WithMetadata(new HeaderParameterMetadata(SecretHeader.Name, SecretDescription));
        return withNewSecret
            ? builder.WithMetadata(new HeaderParameterMetadata(SecretHeader.NewName, "The seller's new secret, by the same rules; must differ from the old one."))
            : builder;
    }

    public static RouteHandlerBuilder WithQueryParameter(this RouteHandlerBuilder builder, string name, string description, bool isInteger = false, string? format = null) =>
        builder.WithMetadata(new QueryParameterMetadata(name, description, isInteger, format));

    /// <summary>The <c>limit</c> and <c>cursor</c> of PageQuery.</summary>
    public static RouteHandlerBuilder WithPaging(this RouteHandlerBuilder builder) => builder
        .WithQueryParameter("limit", "Items per page, 1 to 500 (default 100).", isInteger: true)
        .WithQueryParameter("cursor", "The nextCursor of the previous page, passed back unchanged.");

    /// <summary>The statuses of the application/problem+json answers an operation can give (docs/API.md "Errors").</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
            builder.ProducesProblem(status);
        return builder;
    }
}
