namespace Vault.AmazonSimulator.SpApi;

/// <summary>What the access check learned about the caller, for the operation handlers.</summary>
public sealed record SpApiCaller(string ClientId, string SellingPartnerId, IReadOnlyList<string> DataElements, bool ViaRestrictedDataToken = false)
{
    public bool Sees(string dataElement) => DataElements.Contains(dataElement, StringComparer.Ordinal);
}

/// <summary>
/// The gate in front of every SP-API route: the <c>x-amz-access-token</c> must be an unexpired LWA
/// access token of an SP-API app (or, for restricted operations, a Restricted Data Token covering
/// the call), then the operation's rate limit applies.
/// https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api
/// </summary>
public static class SpApiAccess
{
    public const string AccessTokenHeader = "x-amz-access-token";
    private const string CallerItem = "sim.spApiCaller";

    public static SpApiCaller Caller(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return (SpApiCaller)http.Items[CallerItem]!;
    }

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var state = http.RequestServices.GetRequiredService<SimulatorState>();
        var operation = http.GetEndpoint()?.Metadata.GetMetadata<SpApiOperation>();
        var path = AmazonPath(http);

        var caller = Authorize(state, http.Request.Headers[AccessTokenHeader].ToString(), http.Request.Method, path, operation);
        if (caller is null)
        {
            return SpApiErrors.Unauthorized();
        }

        if (!state.RateLimits.Admit(http.Response, operation, caller.SellingPartnerId))
        {
            return SpApiErrors.QuotaExceeded();
        }

        http.Items[CallerItem] = caller;
        return await next(context);
    }

    private static SpApiCaller? Authorize(SimulatorState state, string token, string method, string path, SpApiOperation? operation)
    {
        var restriction = operation?.Restriction ?? Restriction.None;
        if (restriction != Restriction.None && state.RestrictedDataTokens.Find(token) is { } rdt)
        {
            var resource = RestrictedDataTokens.Covering(rdt, method, path);
            return resource is null || state.RestrictedDataTokens.IsExpired(rdt)
                ? null
                : new SpApiCaller(rdt.ClientId, rdt.SellingPartnerId, resource.DataElements ?? [], ViaRestrictedDataToken: true);
        }

        // Restricted operations refuse a plain access token, exactly as Amazon does.
        if (restriction == Restriction.Required)
        {
            return null;
        }

        var grant = state.Tokens.FindAccessToken(token);
        if (grant is null || state.Tokens.IsExpired(grant) || grant.Grantless || grant.SellingPartnerId is null
            || state.Options.FindClient(grant.ClientId)?.Kind != LwaClientKind.SpApi)
        {
            return null;
        }

        return new SpApiCaller(grant.ClientId, grant.SellingPartnerId, []);
    }

    private static string AmazonPath(HttpContext http) =>
        Routing.AmazonRequest.From(http.Request)?.Path ?? "/";
}
