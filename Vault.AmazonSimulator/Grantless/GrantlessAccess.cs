using Vault.AmazonSimulator.SpApi;

namespace Vault.AmazonSimulator.Grantless;

/// <summary>
/// The gate in front of grantless operations: <c>x-amz-access-token</c> must be an unexpired token from the
/// client_credentials grant of an SP-API app, minted for the operation's scope. A seller's token, or a grantless one
/// of the other scope, gets SP-API's 403 Unauthorized, as Amazon answers it.
/// https://developer-docs.amazon.com/sp-api/docs/grantless-operations
/// </summary>
public static class GrantlessAccess
{
    private const string ClientItem = "sim.grantlessClient";

    /// <summary>The LWA client id of the application whose grantless token the call carried.</summary>
    public static string GrantlessClient(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return (string)http.Items[ClientItem]!;
    }

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var state = http.RequestServices.GetRequiredService<SimulatorState>();
        var operation = http.GetEndpoint()?.Metadata.GetMetadata<SpApiOperation>();
        var clientId = Authorize(state, http.Request.Headers[SpApiAccess.AccessTokenHeader].ToString(), operation);
        if (clientId is null)
        {
            return SpApiErrors.Unauthorized();
        }

        if (!state.RateLimits.Admit(http.Response, operation, clientId))
        {
            return SpApiErrors.QuotaExceeded();
        }

        http.Items[ClientItem] = clientId;
        return await next(context);
    }

    /// <summary>The token's client id when it may call <paramref name="operation"/>, else null.</summary>
    public static string? Authorize(SimulatorState state, string token, SpApiOperation? operation)
    {
        ArgumentNullException.ThrowIfNull(state);
        var scope = GrantlessOperations.ScopeOf(operation);
        var grant = state.Tokens.FindAccessToken(token);
        return scope is null || grant is null || state.Tokens.IsExpired(grant) || !grant.Grantless
            || !string.Equals(grant.Scope, scope, StringComparison.Ordinal)
            || state.Options.FindClient(grant.ClientId)?.Kind != LwaClientKind.SpApi
            ? null
            : grant.ClientId;
    }
}
