using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Vault.Api.Amazon;

public static class AmazonHttpExtensions
{
    /// <summary>
    /// The LWA client with Polly: jittered exponential retries on 429, 5xx and connection failures that honour
    /// Retry-After, a per-attempt and a total timeout, and a circuit breaker so a failing Amazon is not hammered.
    /// </summary>
    public static IServiceCollection AddAmazonClients(this IServiceCollection services)
    {
        services.AddSingleton<AmazonEndpoints>();
        // An authorization code is single-use: a second exchange of it is refused (invalid_grant), and Amazon may revoke
        // what the first one issued. So that grant gets one attempt with the whole budget, never a retry.
        services.AddHttpClient(LwaClient.CodeExchangeClient)
            .ConfigurePrimaryHttpMessageHandler(LwaHandler)
            .AddResilienceHandler("lwa-code", pipeline => pipeline.AddTimeout(LwaClient.CodeExchangeTimeout));
        services.AddSingleton<LwaClient>();
        services.AddHttpClient(LwaClient.RefreshClient)
            .ConfigurePrimaryHttpMessageHandler(LwaHandler)
            .AddResilienceHandler("lwa", pipeline =>
            {
                pipeline.AddTimeout(TimeSpan.FromSeconds(20));
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = 3,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = TimeSpan.FromMilliseconds(200),
                    MaxDelay = TimeSpan.FromSeconds(5),
                    ShouldRetryAfterHeader = true,
                });
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.5,
                    MinimumThroughput = 10,
                    SamplingDuration = TimeSpan.FromSeconds(30),
                    BreakDuration = TimeSpan.FromSeconds(15),
                });
                pipeline.AddTimeout(TimeSpan.FromSeconds(5));
            });
        return services;
    }

    private static SocketsHttpHandler LwaHandler() => new() { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
}
