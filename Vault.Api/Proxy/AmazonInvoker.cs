using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Vault.Api.Configuration;
using Vault.Api.Pacing;

namespace Vault.Api.Proxy;

/// <summary>
/// The HTTP path to Amazon for proxied calls: one SocketsHttpHandler for every Amazon host, behind a Polly
/// pipeline per host (circuit breakers do not leak between regions). Retries only requests that are safe to
/// repeat and have no body; honours Retry-After and x-amzn-RateLimit-Limit; never waits past the budget. A paced call
/// (its <see cref="AmazonPacing.Ticket"/> on the request) shows pacing every answer, and its retry after Amazon's 429
/// waits for a token from the call's bucket instead of spending one the bucket promised to the next call.
/// </summary>
public sealed class AmazonInvoker(IHttpMessageHandlerFactory handlers)
{
    public const string ClientName = "amazon-proxy";

    /// <summary>A wait Amazon asks for beyond this is not waited out: the 429 goes back to the caller.</summary>
    public static readonly TimeSpan MaxRetryWait = TimeSpan.FromSeconds(5);

    private const int RetryAttempts = 4;

    /// <summary>Set for a paced retry, which waited for its token in the predicate: no delay after that.</summary>
    private static readonly ResiliencePropertyKey<bool> PacedRetryWaited = new("vault.pacing.retry-waited");

    public HttpMessageInvoker Invoker { get; } = new(handlers.CreateHandler(ClientName), disposeHandler: false);

    public static IServiceCollection AddAmazonInvoker(IServiceCollection services)
    {
        services.AddSingleton<AmazonInvoker>();
        services.AddHttpClient(ClientName)
            // The per-request client logs print full Amazon URLs and cost ~2 handlers a call; failures are logged by the vault.
            .RemoveAllLoggers()
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                // Without OpenTelemetry tracing nobody consumes an outgoing span, and Amazon needs no traceparent: no
                // propagator means no DiagnosticsHandler (an Activity, tags and a redacted URL per call).
                ActivityHeadersPropagator = Observability.ObservabilityExtensions.TracingRequested(provider.GetRequiredService<IConfiguration>())
                    ? System.Diagnostics.DistributedContextPropagator.Current
                    : null,
                UseProxy = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                EnableMultipleHttp2Connections = true,
            })
            .AddResilienceHandler(ClientName, (pipeline, context) =>
                Configure(pipeline, context.ServiceProvider.GetRequiredService<VaultOptions>(), context.ServiceProvider.GetRequiredService<AmazonPacing>()))
            .SelectPipelineByAuthority();
        return services;
    }

    private static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, VaultOptions options, AmazonPacing pacing)
    {
        pipeline.AddTimeout(options.AmazonTotalTimeout);
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = RetryAttempts,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = MaxRetryWait,
            ShouldHandle = args => ShouldRetryAsync(args, pacing),
            DelayGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(PacedRetryWaited, false) ? TimeSpan.Zero : AmazonAskedWait(args.Outcome.Result)),
        });
        pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 20,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = options.AmazonCircuitBreak,
            // Throttling is Amazon working as designed, not Amazon failing; nor is a caller's broken upload.
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && !CallerBodyException.IsIn(e) || (int?)args.Outcome.Result?.StatusCode >= 500),
        });
        pipeline.AddTimeout(options.AmazonAttemptTimeout);
    }

    private static async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args, AmazonPacing pacing)
    {
        var request = args.Context.GetRequestMessage();
        if (request is null || !request.Options.TryGetValue(AmazonPacing.TicketKey, out var ticket))
            return IsRetryable(request, args.Outcome);
        args.Context.Properties.Set(PacedRetryWaited, false);
        if (args.Outcome.Result is not { } response)
            return IsRetryable(request, args.Outcome);
        await pacing.ObserveAsync(ticket, response);
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
            return IsRetryable(request, args.Outcome);
        // Amazon's bucket is empty: the retry queues for a token like any call, within what is left of the caller's wait.
        if (!IsRepeatable(request) || args.AttemptNumber >= RetryAttempts)
            return false;
        // The wait is here, not in the retry's delay, so that a retry abandoned while it waits gives its token back.
        try
        {
            if (!await pacing.WaitForRetryAsync(ticket, RetryAfter(response) ?? TimeSpan.Zero, args.Context.CancellationToken))
                return false;
        }
        catch (OperationCanceledException)
        {
            // Polly disposes an answer it retries or returns; this one it will do neither with (its body holds a connection).
            response.Dispose();
            throw;
        }
        args.Context.Properties.Set(PacedRetryWaited, true);
        return true;
    }

    private static bool IsRepeatable(HttpRequestMessage? request) =>
        request is not null && request.Content is null
        && (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options || request.Method == HttpMethod.Delete);

    private static bool IsRetryable(HttpRequestMessage? request, Outcome<HttpResponseMessage> outcome)
    {
        if (!IsRepeatable(request))
            return false;
        if (outcome.Exception is not null)
            return outcome.Exception is HttpRequestException or Polly.Timeout.TimeoutRejectedException;
        var response = outcome.Result!;
        var status = (int)response.StatusCode;
        if (status == 429)
            return (AmazonAskedWait(response) ?? TimeSpan.Zero) <= MaxRetryWait;
        return status >= 500;
    }

    /// <summary>Retry-After, else the operation's rate from x-amzn-RateLimit-Limit; null lets the backoff decide.</summary>
    private static TimeSpan? AmazonAskedWait(HttpResponseMessage? response)
    {
        if (response is null)
            return null;
        if (RetryAfter(response) is { } retryAfter)
            return retryAfter;
        if ((int)response.StatusCode == 429 && AmazonPacing.ReportedRate(response) is { } rate)
            return TimeSpan.FromSeconds(1 / rate);
        return null;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage? response) =>
        response?.Headers.RetryAfter is { } retryAfter
            ? retryAfter.Delta ?? (retryAfter.Date is { } date ? Max(date - DateTimeOffset.UtcNow, TimeSpan.Zero) : null)
            : null;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
