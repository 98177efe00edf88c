using Microsoft.AspNetCore.HttpOverrides;
using Vault.Api.Configuration;

namespace Vault.Api.Forwarding;

/// <summary>
/// The client's address behind a proxy, with ASP.NET Core's forwarded-headers middleware and explicit trust only:
/// X-Forwarded-For from the peers in TRUSTED_PROXIES, or the one header CLIENT_IP_HEADER names (Fly-Client-IP).
/// Everything that uses the client address (the OAuth limit, audit rows) then sees the client, not the proxy.
/// </summary>
public static class ForwardedHeadersExtensions
{
    public static IServiceCollection AddVaultForwardedHeaders(this IServiceCollection services)
    {
        services.AddOptions<ForwardedHeadersOptions>().Configure<VaultOptions>(Apply);
        return services;
    }

    /// <summary>
    /// Replaces every default: the built-in loopback proxy, and what ASPNETCORE_FORWARDEDHEADERS_ENABLED would add
    /// (every peer trusted, X-Forwarded-Proto read), so the configured list is the whole list.
    /// </summary>
    private static void Apply(ForwardedHeadersOptions forwarded, VaultOptions options)
    {
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        forwarded.ForwardedHeaders = options.ReadsClientFromHeader ? ForwardedHeaders.XForwardedFor : ForwardedHeaders.None;
        foreach (var network in options.TrustedProxies)
            forwarded.KnownIPNetworks.Add(network);
        if (options.ClientIpHeader is { } header)
        {
            // One value, set by the edge proxy (Fly overwrites whatever the client sent). With TRUSTED_PROXIES unset both
            // lists stay empty, which the middleware reads as "any peer": right only where the proxy is the sole way in.
            forwarded.ForwardedForHeaderName = header;
            forwarded.ForwardLimit = 1;
        }
        else
        {
            // Walked from the right while the hop that added an entry is trusted: the first untrusted address is the
            // client, and whatever the client wrote further left is never reached.
            forwarded.ForwardLimit = null;
        }
    }

    /// <summary>First in the pipeline, so everything after it sees the client's address.</summary>
    public static WebApplication UseVaultForwardedHeaders(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<VaultOptions>();
        if (!options.ReadsClientFromHeader)
            return app;
        app.UseForwardedHeaders();
        ForwardedHeadersLog.ClientAddress(app.Logger, options.ClientIpHeader ?? "X-Forwarded-For",
            options.TrustedProxies.Count == 0 ? "any peer (CLIENT_IP_HEADER without TRUSTED_PROXIES)" : string.Join(", ", options.TrustedProxies));
        return app;
    }
}
