using Vault.AmazonSimulator.Routing;

namespace Vault.AmazonSimulator.Consent;

/// <summary>
/// The LWA authorization page (<c>/ap/oa</c>) the Ads API uses for its authorization grant:
/// https://advertising.amazon.com/API/docs/en-us/guides/get-started/create-authorization-grant and
/// https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html.
/// Problems with the client or redirect URI get an error page; once the redirect URI is trusted,
/// other problems are reported to it as OAuth errors.
/// </summary>
public static class LwaAuthorizationApi
{
    public const string AuthorizePath = "/ap/oa";
    public const string ConfirmPath = "/ap/oa/confirm";

    private static readonly HashSet<string> KnownScopes = new(StringComparer.Ordinal)
    {
        "advertising::campaign_management",
        "cpc_advertising:campaign_management",
        "advertising::audiences",
        "profile",
        "profile:user_id",
        "postal_code",
    };

    public static IEndpointRouteBuilder MapLwaAuthorization(this IEndpointRouteBuilder app)
    {
        var page = app.MapGroup(AmazonHostConstraint.Route(HostKind.LwaAuthorizePage));
        page.MapGet(AuthorizePath, ShowConsent);
        page.MapPost(ConfirmPath, ConfirmAsync);
        return app;
    }

    private static IResult ShowConsent(HttpRequest request, SimulatorOptions options)
    {
        var query = request.Query;
        string clientId = query["client_id"].ToString(), redirectUri = query["redirect_uri"].ToString();
        string scope = query["scope"].ToString(), responseType = query["response_type"].ToString(), stateValue = query["state"].ToString();
        var client = options.FindClient(clientId);
        if (client is null)
        {
            return ConsentPages.Error("The client_id is not registered with Login with Amazon.");
        }

        if (!RedirectUris.IsAllowed(options, redirectUri))
        {
            return ConsentPages.Error("The redirect_uri is missing or is not an allowed return URL for this client.");
        }

        if (responseType != "code")
        {
            return OAuthError(redirectUri, "unsupported_response_type", "The response_type must be code.", stateValue);
        }

        if (string.IsNullOrEmpty(scope) || scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => !KnownScopes.Contains(s)))
        {
            return OAuthError(redirectUri, "invalid_scope", "An unknown scope was requested.", stateValue);
        }

        return ConsentPages.Consent("Login with Amazon", client.ClientId, "oa/confirm",
        [
            new("client_id", client.ClientId),
            new("scope", scope),
            new("response_type", responseType),
            new("redirect_uri", redirectUri),
            new("state", string.IsNullOrEmpty(stateValue) ? null : stateValue),
        ]);
    }

    private static async Task<IResult> ConfirmAsync(HttpRequest request, SimulatorState state)
    {
        var form = await RedirectUris.ReadFormOrNullAsync(request);
        var client = state.Options.FindClient(form?["client_id"]);
        string? redirectUri = form?["redirect_uri"], scope = form?["scope"], stateValue = form?["state"];
        if (form is null || client is null || !RedirectUris.IsAllowed(state.Options, redirectUri) || string.IsNullOrEmpty(scope))
        {
            return ConsentPages.Error("The authorization request is invalid.");
        }

        stateValue = string.IsNullOrEmpty(stateValue) ? null : stateValue;
        return form["decision"].ToString() switch
        {
            ConsentPages.AllowDecision => RedirectUris.RedirectWith(
                redirectUri!,
                ("code", state.Codes.Issue(client.ClientId, redirectUri!, sellingPartnerId: null, scope)),
                ("scope", scope),
                ("state", stateValue)),
            ConsentPages.DenyDecision => OAuthError(redirectUri!, "access_denied", "The user denied the request.", stateValue),
            _ => ConsentPages.Error("Choose Allow or Deny."),
        };
    }

    private static IResult OAuthError(string redirectUri, string error, string description, string? stateValue) =>
        RedirectUris.RedirectWith(redirectUri, ("error", error), ("error_description", description), ("state", string.IsNullOrEmpty(stateValue) ? null : stateValue));
}
