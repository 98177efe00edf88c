using Polly.CircuitBreaker;
using Polly.Timeout;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Auth;
using Vault.Api.Errors;
using Vault.Api.Observability;
using Vault.Api.Pacing;
using Vault.Api.Sellers;
using Vault.Api.Tokens;
using Yarp.ReverseProxy.Forwarder;

namespace Vault.Api.Proxy;

/// <summary>
/// ANY /v1/sellers/{sellerId}/sp-api/{**path} and …/ads/{**path} (docs/API.md "Proxied Amazon calls"): the caller's
/// request goes to the connection's Amazon host with a fresh access token, streamed both ways by YARP.
/// </summary>
public static class ProxyApi
{
    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromMinutes(2) };

    public static IEndpointRouteBuilder MapProxy(this IEndpointRouteBuilder app)
    {
        var seller = app.MapGroup("/v1/sellers/{sellerId}").RequireAuthorization(Scopes.AmazonCall).WithLeadIns().ExcludeFromDescription();
        seller.Map("/sp-api/{**path}", ForwardAsync).WithMetadata(AmazonApi.SpApi);
        seller.Map("/ads/{**path}", ForwardAsync).WithMetadata(AmazonApi.Ads);
        return app;
    }

    private static async Task<IResult> ForwardAsync(
        ProxiedCall call, HttpContext context, TokenAccess tokens, RestrictedDataTokenClient rdts, AmazonEndpoints endpoints, VaultOptions options,
        AmazonInvoker invoker, IHttpForwarder forwarder, VaultMetrics metrics, AmazonPacing pacing)
    {
        var (route, connection) = (call.Seller.Route, call.Seller.Connection);
        if (!MaxWait.TryRead(context.Request.Headers, out var maxWait, out var badWait))
            return Problems.InvalidRequest(badWait!);
        var access = await tokens.GetAccessTokenAsync(route.Caller, connection, call.Seller.Secret, context.RequestAborted);
        if (access.AccessToken is null)
            return new TokenFailureResult(access.Failure);
        var region = Region.Find(connection.Region)!;
        var credential = access.AccessToken;
        if (call.Resource is not null)
        {
            var rdt = await rdts.GetAsync(access.Entry!, region, call.Resource, context.RequestAborted);
            if (rdt.Token is null)
                return RdtFailure(rdt);
            credential = rdt.Token;
        }

        var host = route.Api.HostIn(region);
        var hostBase = endpoints.BaseFor(host);
        var transformer = new AmazonTransformer(TargetUri(hostBase, call.PathAndQuery), route.Api, credential, options);
        var (ticket, paced) = options.AmazonPacing ? await pacing.WaitAsync(connection, context.Request.Method, call.PathAndQuery, maxWait, context) : default;
        if (paced is not null)
            return paced;
        context.Request.Body = new CallerBodyStream(context.Request.Body);
        // The transformer sets the request's URI itself; YARP uses the prefix only when none is set.
        var error = await forwarder.SendAsync(context, hostBase.AbsoluteUri, invoker.Invoker, RequestConfig, transformer);
        if (error == ForwarderError.None || context.Response.HasStarted)
        {
            metrics.AmazonResponse(host, context.Response.StatusCode);
            await pacing.ObserveAsync(ticket, context.Response);
            return Results.Empty; // YARP wrote Amazon's answer
        }
        metrics.AmazonError(host);
        var exception = context.GetForwarderErrorFeature()?.Exception;
        context.Response.Clear();
        var timedOut = exception is TimeoutRejectedException || error is ForwarderError.RequestTimedOut;
        return timedOut ? Problems.AmazonTimeout()
            : error is ForwarderError.RequestBodyClient ? Problems.InvalidRequest("body: the request body could not be read (malformed framing, or the upload stopped)")
            : exception is BrokenCircuitException ? Problems.AmazonError("Amazon is failing; calls are paused briefly")
            : error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled ? Results.Empty
            : Problems.AmazonError("Amazon could not be reached");
    }

    /// <summary>Appends the checked path to the host's base; then makes sure the result is still on that host.</summary>
    internal static Uri TargetUri(Uri hostBase, string pathAndQuery)
    {
        var target = new Uri(string.Concat(hostBase.AbsoluteUri.AsSpan().TrimEnd('/'), pathAndQuery));
        var basePath = hostBase.AbsolutePath.AsSpan().TrimEnd('/');
        var targetPath = target.AbsolutePath.AsSpan();
        if (target.Scheme != hostBase.Scheme || target.Port != hostBase.Port || !string.Equals(target.Host, hostBase.Host, StringComparison.Ordinal)
            || !(targetPath.Length > basePath.Length && targetPath.StartsWith(basePath, StringComparison.Ordinal) && targetPath[basePath.Length] == '/'))
            throw new InvalidOperationException("a proxied path resolved outside its Amazon host");
        return target;
    }

    private static IResult RdtFailure(RestrictedDataToken rdt) =>
        rdt.AmazonStatus is { } status && rdt.AmazonBody is not null
            // Amazon refused the RDT (e.g. the app lacks the restricted role): its answer is the caller's to see.
            ? Results.Content(rdt.AmazonBody, "application/json", statusCode: status)
            : new TokenFailureResult(rdt.Failure);
}
