using Polly.CircuitBreaker;
using Polly.Timeout;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Errors;
using Vault.Api.Observability;
using Yarp.ReverseProxy.Forwarder;

namespace Vault.Api.Proxy;

/// <summary>
/// Sends the caller's request on to one Amazon host with a credential the vault chose, and streams Amazon's answer back:
/// the part every proxied route shares (seller calls and grantless calls). Rewriting is <see cref="AmazonTransformer"/>'s,
/// retries and circuits <see cref="AmazonInvoker"/>'s; the route has already checked the path (<see cref="ProxyPath"/>).
/// </summary>
public sealed class AmazonForwarding(AmazonEndpoints endpoints, VaultOptions options, AmazonInvoker invoker, IHttpForwarder forwarder, VaultMetrics metrics)
{
    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromMinutes(2) };

    /// <summary>
    /// Forwards to <c>https://{host}{pathAndQuery}</c> with <paramref name="credential"/> put on as <paramref name="api"/> does;
    /// a paced call's <paramref name="ticket"/> goes along for <see cref="AmazonInvoker"/>'s retries.
    /// Returns <see cref="Results.Empty"/> once Amazon's answer is written, else the problem to answer.
    /// </summary>
    public async Task<IResult> SendAsync(HttpContext context, AmazonApi api, string host, string pathAndQuery, string credential, Pacing.AmazonPacing.Ticket? ticket = null)
    {
        var hostBase = endpoints.BaseFor(host);
        var transformer = new AmazonTransformer(TargetUri(hostBase, pathAndQuery), api, credential, options, ticket);
        context.Request.Body = new CallerBodyStream(context.Request.Body);
        // The transformer sets the request's URI itself; YARP uses the prefix only when none is set.
        var error = await forwarder.SendAsync(context, hostBase.AbsoluteUri, invoker.Invoker, RequestConfig, transformer);
        if (error == ForwarderError.None || context.Response.HasStarted)
        {
            metrics.AmazonResponse(host, context.Response.StatusCode);
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
}
