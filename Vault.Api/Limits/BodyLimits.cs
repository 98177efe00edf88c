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

    /// <summary>/v1/sellers/{sellerId}/{api}…; read in place, without splitting the path (this runs on every request).</summary>
    private static bool IsProxy(PathString path)
    {
        const string prefix = "/v1/sellers/";
        var value = path.Value.AsSpan();
        if (!value.StartsWith(prefix, StringComparison.Ordinal))
            return false;
        var afterSeller = value[prefix.Length..];
        var slash = afterSeller.IndexOf('/');
        if (slash < 0)
            return false;
        var api = afterSeller[(slash + 1)..];
        var end = api.IndexOf('/');
        api = end < 0 ? api : api[..end];
        foreach (var known in Amazon.AmazonApi.All)
        {
            if (api.SequenceEqual(known.Name))
                return true;
        }
        return false;
    }
}
