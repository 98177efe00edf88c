using Microsoft.AspNetCore.Http.Features;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Extensions;
using Vault.Api.Tokens;
using Vault.Storage;
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
        app.Map("/v1/sellers/{sellerId}/sp-api/{**path}", context => ForwardAsync(context, "sp-api")).RequireAuthorization(Scopes.AmazonCall).ExcludeFromDescription();
        app.Map("/v1/sellers/{sellerId}/ads/{**path}", context => ForwardAsync(context, "ads")).RequireAuthorization(Scopes.AmazonCall).ExcludeFromDescription();
        return app;
    }

    private static async Task ForwardAsync(HttpContext context, string api)
    {
        var services = context.RequestServices;
        var sellerId = (string)context.GetRouteValue("sellerId")!;
        if (!Identifiers.IsValid(sellerId))
        {
            await Problems.InvalidRequest("sellerId: 1-128 characters of A-Z a-z 0-9 . _ : -").ExecuteAsync(context);
            return;
        }
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (!ProxyPath.TryParse(rawTarget, out var pathAndQuery, out var path, out var reason))
        {
            await Problems.InvalidRequest("path: " + reason).ExecuteAsync(context);
            return;
        }
        var resource = RestrictedOperations.Match(api, context.Request.Method, path, context.Request.Headers, out var refusal);
        if (refusal is not null)
        {
            await Problems.InvalidRequest(refusal).ExecuteAsync(context);
            return;
        }
        using var secret = SecretHeader.Read(context.Request, out var secretProblem);
        if (secret is null)
        {
            await secretProblem!.ExecuteAsync(context);
            return;
        }

        var connection = await services.GetRequiredService<IVaultStore>().GetConnectionAsync(context.Tenant(), sellerId, api, context.RequestAborted);
        if (connection is null)
        {
            await Problems.ConnectionNotFound().ExecuteAsync(context);
            return;
        }
        if (connection.Status == ConnectionStatus.ReauthorizationRequired)
        {
            await Problems.ReauthorizationRequired().ExecuteAsync(context);
            return;
        }
        var tokens = services.GetRequiredService<TokenAccess>();
        var access = await tokens.GetAccessTokenAsync(context, connection, secret, context.RequestAborted);
        if (access.AccessToken is null)
        {
            await access.Failure.WriteAsync(context);
            return;
        }
        var region = Region.Find(connection.Region)!;
        var credential = access.AccessToken;
        if (resource is not null)
        {
            var rdt = await services.GetRequiredService<RestrictedDataTokenClient>().GetAsync(access.Entry!, region, resource, context.RequestAborted);
            if (rdt.Token is null)
            {
                await WriteRdtFailureAsync(context, rdt);
                return;
            }
            credential = rdt.Token;
        }

        await SendAsync(context, api, region, pathAndQuery, credential);
    }

    private static async Task SendAsync(HttpContext context, string api, Region region, string pathAndQuery, string credential)
    {
        var services = context.RequestServices;
        var endpoints = services.GetRequiredService<AmazonEndpoints>();
        var host = api == "ads" ? region.AdsApiHost : region.SpApiHost;
        var hostBase = endpoints.BaseFor(host);
        var target = TargetUri(hostBase, pathAndQuery);
        var options = services.GetRequiredService<VaultOptions>();
        var transformer = new AmazonTransformer(target, api, credential, options.AdsClientId, options.ClientIpHeader);
        var invoker = services.GetRequiredService<AmazonInvoker>().Invoker;
        context.Request.Body = new CallerBodyStream(context.Request.Body);
        // The transformer sets the request's URI itself; YARP uses the prefix only when none is set.
        var error = await services.GetRequiredService<IHttpForwarder>().SendAsync(context, hostBase.AbsoluteUri, invoker, RequestConfig, transformer);
        if (error == ForwarderError.None || context.Response.HasStarted)
        {
            services.GetRequiredService<VaultMetrics>().AmazonResponse(host, context.Response.StatusCode);
            return;
        }
        services.GetRequiredService<VaultMetrics>().AmazonError(host);
        var exception = context.GetForwarderErrorFeature()?.Exception;
        context.Response.Clear();
        var timedOut = exception is TimeoutRejectedException || error is ForwarderError.RequestTimedOut;
        var problem = timedOut ? Problems.AmazonTimeout()
            : error is ForwarderError.RequestBodyClient ? Problems.InvalidRequest("body: the request body could not be read (malformed framing, or the upload stopped)")
            : exception is BrokenCircuitException ? Problems.AmazonError("Amazon is failing; calls are paused briefly")
            : error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled ? null
            : Problems.AmazonError("Amazon could not be reached");
        if (problem is not null)
            await problem.ExecuteAsync(context);
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

    private static async Task WriteRdtFailureAsync(HttpContext context, RestrictedDataToken rdt)
    {
        if (rdt.AmazonStatus is { } status && rdt.AmazonBody is not null)
        {
            // Amazon refused the RDT (e.g. the app lacks the restricted role): its answer is the caller's to see.
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(rdt.AmazonBody);
            return;
        }
        await rdt.Failure.WriteAsync(context);
    }
}
