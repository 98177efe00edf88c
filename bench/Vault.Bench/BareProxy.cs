using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Vault.Bench;

/// <summary>
/// <c>bare-proxy</c>: the floor for any proxy built the vault's way (Kestrel in, YARP's forwarder and a pooled
/// SocketsHttpHandler out), with nothing else: no caller authentication, no database read, no token lookup, no
/// resilience pipeline, no metrics. It adds a fixed x-amz-access-token and forwards everything under / to the
/// simulator's SP-API host. Its throughput against direct shows how much of the vault-vs-direct gap any
/// .NET reverse proxy on the same cores pays before the vault does any work of its own.
/// </summary>
internal static class BareProxy
{
    public static async Task<int> RunAsync(string url, string target, string accessToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        builder.Services.AddHttpForwarder();
        var app = builder.Build();

        var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            ActivityHeadersPropagator = null,
        });
        var transformer = new TokenTransformer(accessToken);
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var config = new ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(2) };
        app.MapGet("/readyz", () => "ready");
        app.Map("/{**path}", async context => await forwarder.SendAsync(context, target, invoker, config, transformer));
        await app.RunAsync();
        return 0;
    }

    private sealed class TokenTransformer(string accessToken) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.Host = null;
            proxyRequest.Headers.TryAddWithoutValidation("x-amz-access-token", accessToken);
        }
    }
}
