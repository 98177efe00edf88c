namespace Vault.AmazonSimulator.Ads;

/// <summary>Marks an Ads route that acts on one advertiser profile, named by <c>Amazon-Advertising-API-Scope</c>.</summary>
public sealed record RequiresProfileScope;

/// <summary>
/// The gate in front of every Ads route: <c>Authorization: Bearer</c> with an unexpired access token
/// minted for an Ads client, <c>Amazon-Advertising-API-ClientId</c> naming that same client, and,
/// where a profile is needed, a known profile id in <c>Amazon-Advertising-API-Scope</c>.
/// https://advertising.amazon.com/API/docs/en-us/reference/concepts/authorization/headers
/// </summary>
public static class AdsAccess
{
    public const string ClientIdHeader = "Amazon-Advertising-API-ClientId";
    public const string ScopeHeader = "Amazon-Advertising-API-Scope";
    private const string ProfileItem = "sim.adsProfile";

    public static AdsProfile Profile(this HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return (AdsProfile)http.Items[ProfileItem]!;
    }

    public static async ValueTask<object?> FilterAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var state = http.RequestServices.GetRequiredService<SimulatorState>();
        var headers = http.Request.Headers;

        var authorization = headers.Authorization.ToString();
        const string bearer = "Bearer ";
        var token = authorization.StartsWith(bearer, StringComparison.OrdinalIgnoreCase) ? authorization[bearer.Length..].Trim() : null;
        var grant = state.Tokens.FindAccessToken(token);
        if (grant is null || state.Tokens.IsExpired(grant) || state.Options.FindClient(grant.ClientId)?.Kind != LwaClientKind.Ads)
        {
            return AdsErrors.Unauthorized(http, "Invalid or expired access token");
        }

        if (!string.Equals(headers[ClientIdHeader].ToString(), grant.ClientId, StringComparison.Ordinal))
        {
            return AdsErrors.Unauthorized(http, "Amazon-Advertising-API-ClientId is missing or does not match the access token");
        }

        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiresProfileScope>() is not null)
        {
            var scope = headers[ScopeHeader].ToString();
            if (scope.Length == 0)
            {
                return AdsErrors.MissingScope(http);
            }

            var host = Routing.AmazonRequest.From(http.Request)?.Host ?? "";
            if (SampleProfiles.Find(AmazonHosts.RegionOf(host), scope) is not { } profile)
            {
                return AdsErrors.Unauthorized(http, "Not authorized to access scope " + scope);
            }

            http.Items[ProfileItem] = profile;
        }

        return await next(context);
    }
}
