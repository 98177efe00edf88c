using Vault.Api.Tokens;

namespace Vault.Api.Sellers;

/// <summary>A <see cref="TokenFailure"/> as an endpoint result: the problem of docs/API.md, with Retry-After where it needs one.</summary>
public sealed class TokenFailureResult(TokenFailure failure) : IResult
{
    public TokenFailure Failure { get; } = failure;

    public Task ExecuteAsync(HttpContext httpContext) => Failure.WriteAsync(httpContext);
}
