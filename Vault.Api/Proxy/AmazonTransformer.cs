using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Vault.Api.Proxy;

/// <summary>
/// The one place a proxied request is rewritten: the caller's credentials and the vault's own headers are
/// removed, Amazon's credentials are added, and the target is the connection's Amazon host and the checked path.
/// </summary>
public sealed class AmazonTransformer(Uri target, AmazonApi api, string accessToken, VaultOptions options, Pacing.AmazonPacing.Ticket? ticket = null) : HttpTransformer
{
    /// <summary>Never sent to Amazon: the caller's credentials, the vault's headers, and forwarding metadata.</summary>
    private static readonly string[] Stripped =
    [
        "Authorization", "Cookie", "Proxy-Authorization", "x-amazon-token-secret", "x-amazon-token-secret-new",
        "x-amz-access-token", "Amazon-Advertising-API-ClientId", RestrictedOperations.DataElementsHeader, RestrictedOperations.RestrictedReportHeader, SandboxHeader.Name,
        Pacing.MaxWait.Header,
        "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Prefix", "X-Real-IP",
        "X-Original-For", "X-Original-Host", "X-Original-Proto", "X-Original-Prefix", "Via",
        "x-request-id", "traceparent", "tracestate",
    ];

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        // None of these is a content header, so YARP put any of them on the request's own headers.
        foreach (var name in Stripped)
            proxyRequest.Headers.Remove(name);
        // A proxy in front (Fly's adds Fly-Client-IP, Fly-Region, Fly-Request-Id, …) describes the caller, not the request.
        foreach (var name in proxyRequest.Headers.Select(h => h.Key).Where(IsFrontProxyHeader).ToList())
            proxyRequest.Headers.Remove(name);
        if (options.ClientIpHeader is not null)
            proxyRequest.Headers.Remove(options.ClientIpHeader);
        proxyRequest.Headers.Host = null;
        proxyRequest.RequestUri = target;
        api.AddCredentials(proxyRequest.Headers, accessToken, options);
        if (ticket is not null)
            proxyRequest.Options.Set(Pacing.AmazonPacing.TicketKey, ticket);
    }

    private static bool IsFrontProxyHeader(string name) => name.StartsWith("Fly-", StringComparison.OrdinalIgnoreCase);

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        // Amazon has no business setting cookies on the vault's origin.
        httpContext.Response.Headers.Remove("Set-Cookie");
        // The lead-in set the first attempt's wait; a paced retry after Amazon's 429 may have waited too.
        if (ticket is { Waited: var waited } && waited > TimeSpan.Zero)
            httpContext.Response.Headers[Pacing.AmazonPacing.WaitHeader] = Pacing.AmazonPacing.WaitHeaderValue(waited);
        return proceed;
    }
}
