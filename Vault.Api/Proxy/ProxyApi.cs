using Vault.Api.Amazon;
using Vault.Api.Auth;
using Vault.Api.Configuration;
using Vault.Api.Pacing;
using Vault.Api.Sellers;
using Vault.Api.Tokens;

namespace Vault.Api.Proxy;

/// <summary>
/// ANY /v1/sellers/{sellerId}/sp-api/{**path} and …/ads/{**path} (docs/API.md "Proxied Amazon calls"): the caller's
/// request goes to the connection's Amazon host (its sandbox host for a sandbox connection or <c>x-vault-sandbox: true</c>)
/// with a fresh access token, streamed both ways by YARP.
/// </summary>
public static class ProxyApi
{
    public static IEndpointRouteBuilder MapProxy(this IEndpointRouteBuilder app)
    {
        var seller = app.MapGroup("/v1/sellers/{sellerId}").RequireAuthorization(Scopes.AmazonCall).WithLeadIns().ExcludeFromDescription();
        seller.Map("/sp-api/{**path}", ForwardAsync).WithMetadata(AmazonApi.SpApi);
        seller.Map("/ads/{**path}", ForwardAsync).WithMetadata(AmazonApi.Ads);
        return app;
    }

    private static async Task<IResult> ForwardAsync(
        ProxiedCall call, HttpContext context, ConnectionTokens tokens, RestrictedDataTokenClient rdts, AmazonForwarding forwarding, AmazonPacing pacing, VaultOptions options)
    {
        var (route, connection) = (call.Seller.Route, call.Seller.Connection);
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
        // The lead-in refused a sandbox request for an API without one, so the sandbox host exists here.
        var host = call.Sandbox ? route.Api.SandboxHostIn(region)! : route.Api.HostIn(region);
        // The sandbox has its own, flat limit (not the operations' usage plans): its calls are not paced.
        var (ticket, paced) = options.AmazonPacing && !call.Sandbox ? await pacing.WaitAsync(connection, context.Request.Method, call.PathAndQuery, call.MaxWait, context) : default;
        if (paced is not null)
            return paced;
        return await forwarding.SendAsync(context, route.Api, host, call.PathAndQuery, credential, ticket);
    }

    private static IResult RdtFailure(RestrictedDataToken rdt) =>
        rdt.AmazonStatus is { } status && rdt.AmazonBody is not null
            // Amazon refused the RDT (e.g. the app lacks the restricted role): its answer is the caller's to see.
            ? Results.Content(rdt.AmazonBody, "application/json", statusCode: status)
            : new TokenFailureResult(rdt.Failure);
}
