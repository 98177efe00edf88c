using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Errors;

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
