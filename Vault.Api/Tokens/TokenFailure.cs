using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Extensions;

namespace Vault.Api.Tokens;

/// <summary>Why a stored token could not be used; each maps to one problem of docs/API.md.</summary>
public enum TokenFailure
{
    None,
    SecretMismatch,
    Corrupt,
    Busy,
    RateLimited,
    ReauthorizationRequired,
    AmazonError,
    AmazonTimeout,
}

public static class TokenFailureProblems
{
    public static ProblemHttpResult ToProblem(this TokenFailure failure) => failure switch
    {
        TokenFailure.SecretMismatch => Problems.SecretMismatch(),
        // A record that cannot be parsed opens with no secret: to the caller that is the same as a mismatch,
        // and telling them apart would hand a guesser an oracle.
        TokenFailure.Corrupt => Problems.SecretMismatch(),
        TokenFailure.Busy => Problems.Busy(KdfGate.RetryAfter),
        TokenFailure.RateLimited => Problems.Create(429, "rate_limited", "Rate limited", "too many wrong secrets for this connection; retry later", SecretGuessLimiter.Window),
        TokenFailure.ReauthorizationRequired => Problems.ReauthorizationRequired(),
        TokenFailure.AmazonTimeout => Problems.AmazonTimeout(),
        _ => Problems.AmazonError("Amazon's token endpoint failed"),
    };

    /// <summary>Writes the problem, with Retry-After where the status calls for one.</summary>
    public static async Task WriteAsync(this TokenFailure failure, HttpContext context)
    {
        if (failure is TokenFailure.Busy or TokenFailure.RateLimited)
        {
            var wait = failure == TokenFailure.Busy ? KdfGate.RetryAfter : SecretGuessLimiter.Window;
            context.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        await failure.ToProblem().ExecuteAsync(context);
    }
}

/// <summary>A decrypted refresh token and the blob it is now stored under (a new one when the record was upgraded), or why not.</summary>
public readonly record struct OpenedToken(Crypto.Formats.RefreshToken? Token, TokenFailure Failure, byte[]? Blob = null);

/// <summary>
/// The cache entry holding the connection's access token (and its RDTs), or why there is none. The entry is the one
/// this request minted or found, whatever the stored row now holds. Never printed.
/// </summary>
public sealed record AccessTokenResult(AccessTokenCache.Entry? Entry, TokenFailure Failure)
{
    public string? AccessToken => Entry?.AccessToken;

    public DateTimeOffset ExpiresAt => Entry?.ExpiresAt ?? default;

    public static AccessTokenResult Failed(TokenFailure failure) => new(null, failure);

    public override string ToString() => $"AccessTokenResult {{ Failure = {Failure}, ExpiresAt = {ExpiresAt:O} }}";
}
