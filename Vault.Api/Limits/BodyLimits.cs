using Microsoft.AspNetCore.Http.Features;
using Vault.Api.Errors;

namespace Vault.Api.Limits;

/// <summary>
/// The vault's own endpoints take small JSON bodies; proxied calls may carry real payloads to Amazon.
/// A body over the limit answers 413 payload_too_large before it is read.
/// </summary>
public static class BodyLimits
{
    public const long ApiBodyBytes = 64 * 1024;
    public const long ProxyBodyBytes = 100L * 1024 * 1024;

    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
            feature.MaxRequestBodySize = IsProxy(context.Request.Path) ? ProxyBodyBytes : ApiBodyBytes;
        var limit = feature?.MaxRequestBodySize ?? ApiBodyBytes;
        if (context.Request.ContentLength > limit)
            return Problems.Create(413, "payload_too_large", "Payload too large", $"the body is over {limit} bytes").ExecuteAsync(context);
        return next(context);
    });

    private static bool IsProxy(PathString path)
    {
        var segments = path.Value?.Split('/') ?? [];
        return segments.Length > 4 && segments[1] == "v1" && segments[2] == "sellers" && Amazon.AmazonApi.Find(segments[4]) is not null;
    }
}
