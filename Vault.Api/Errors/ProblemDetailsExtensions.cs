using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Vault.Api.Errors;

public static class ProblemDetailsExtensions
{
    public const string RequestIdHeader = "x-request-id";

    /// <summary>Every problem carries the request id; unhandled errors become a bare 500 with no stack trace or message.</summary>
    public static IServiceCollection AddVaultProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
            if (!problem.Extensions.ContainsKey("code"))
            {
                var (code, detail) = DefaultFor(problem.Status ?? 500);
                problem.Extensions["code"] = code;
                problem.Detail ??= detail;
                problem.Type = Problems.TypeBase + code.Replace('_', '-');
            }
            // Nothing from an exception reaches the caller.
            problem.Extensions.Remove("exception");
            problem.Extensions.Remove("traceId");
        });

    /// <summary>A fresh request id per request, echoed in x-request-id; a caller-sent id is never trusted or reflected.</summary>
    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Vault.Requests");
        return app.Use(async (context, next) =>
        {
            context.TraceIdentifier = NewRequestId();
            // Set as the response starts: the exception handler clears headers before writing its problem, which would drop it.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[RequestIdHeader] = context.TraceIdentifier;
                return Task.CompletedTask;
            });
            using (logger.BeginScope(new RequestIdScope(context.TraceIdentifier)))
                await next(context);
        });
    }

    private static string NewRequestId()
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>The log scope <c>{"requestId": …}</c>, as the JSON console writes a list of pairs; one small object per request.</summary>
    private sealed class RequestIdScope(string requestId) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == 0 ? new("requestId", requestId) : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            yield return this[0];
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => "requestId:" + requestId;
    }

    public static IApplicationBuilder UseVaultErrors(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : 500,
        });
        app.UseStatusCodePages();
        return app;
    }

    private static (string Code, string Detail) DefaultFor(int status) => status switch
    {
        400 => ("invalid_request", "the request is malformed"),
        401 => ("unauthenticated", "a valid bearer token is required"),
        403 => ("insufficient_scope", "the token lacks the scope this endpoint needs"),
        404 => ("not_found", "no such resource"),
        405 => ("method_not_allowed", "this method is not allowed here"),
        413 => ("payload_too_large", "the request body is over the limit"),
        415 => ("invalid_request", "the content type is not supported; send application/json"),
        429 => ("rate_limited", "too many requests; retry later"),
        _ => ("internal_error", "the vault failed to handle the request"),
    };
}
