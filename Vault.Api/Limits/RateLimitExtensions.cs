using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Vault.Api.Auth;
using Vault.Api.Errors;

namespace Vault.Api.Limits;

/// <summary>The vault's own limits (docs/API.md 429 rate_limited), with ASP.NET Core's rate limiter.</summary>
public static class RateLimitExtensions
{
    public const string OAuthPolicy = "oauth-per-ip";
    public const string TenantWritesPolicy = "writes-per-tenant";

    public static IServiceCollection AddVaultRateLimits(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(10);
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.Create(429, "rate_limited", "Rate limited", "too many requests; retry later", wait).ExecuteAsync(context.HttpContext);
            };
            // Browsers pass through /oauth/* unauthenticated: limit per client address (behind a proxy, the forwarded one).
            limiter.AddPolicy(OAuthPolicy, OAuthRateLimit.Partition);
            // A runaway WMS job cannot rewrite a tenant's connections in a tight loop; reads are not limited here, except the
            // ones that cost like a write (CountsAsTenantWrite).
            limiter.AddPolicy(TenantWritesPolicy, context => IsRead(context)
                ? RateLimitPartition.GetNoLimiter("reads")
                : RateLimitPartition.GetTokenBucketLimiter(context.User.Tenant(), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = 120,
                    TokensPerPeriod = 20,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(10),
                    QueueLimit = 0,
                }));
        });

    /// <summary>Puts a GET endpoint under the tenant write limit (an export derives keys and writes an audit row).</summary>
    public static TBuilder CountsAsTenantWrite<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(TenantWriteMarker.Instance);

    private static bool IsRead(HttpContext context) =>
        (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        && context.GetEndpoint()?.Metadata.GetMetadata<TenantWriteMarker>() is null;

    private sealed class TenantWriteMarker
    {
        public static readonly TenantWriteMarker Instance = new();
    }
}
