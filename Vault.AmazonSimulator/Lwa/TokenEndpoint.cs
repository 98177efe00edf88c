using Microsoft.Extensions.Primitives;
using Vault.AmazonSimulator.Routing;

namespace Vault.AmazonSimulator.Lwa;

/// <summary>
/// <c>POST /auth/o2/token</c> on each regional LWA host. LWA is global: a token minted through one
/// region's host is accepted by the others, but the call log keeps which host was called.
/// https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api
/// </summary>
public static class TokenEndpoint
{
    public const string FormContentType = "application/x-www-form-urlencoded";

    public static IEndpointRouteBuilder MapLwaToken(this IEndpointRouteBuilder app)
    {
        app.MapPost(AmazonHostConstraint.Route(HostKind.LwaToken) + AmazonHosts.TokenPath, HandleAsync);
        return app;
    }

    private static async Task<IResult> HandleAsync(HttpContext http, SimulatorState state)
    {
        // LWA refuses caches for token responses, like any OAuth server (RFC 6749 section 5.1).
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";

        var form = await ReadFormAsync(http.Request);
        if (form is null)
        {
            state.Calls.CountTokenCall("(not form-encoded)");
            return LwaErrors.InvalidRequest($"Content-Type must be {FormContentType}");
        }

        var grantType = Value(form, "grant_type");
        state.Calls.CountTokenCall(grantType ?? "(missing)");
        http.Items[Controls.CallLog.GrantTypeItem] = grantType;
        if (grantType is null)
        {
            return LwaErrors.MissingParameter("grant_type");
        }

        var client = Authenticate(state, Value(form, "client_id"), Value(form, "client_secret"));
        if (client is null)
        {
            return LwaErrors.InvalidClient();
        }

        var grants = new TokenGrants(state);
        return grantType switch
        {
            "authorization_code" => grants.AuthorizationCode(client, Value(form, "code"), Value(form, "redirect_uri")),
            "refresh_token" => grants.RefreshToken(client, Value(form, "refresh_token")),
            "client_credentials" => grants.ClientCredentials(client, Value(form, "scope")),
            _ => LwaErrors.UnsupportedGrantType(),
        };
    }

    private static async Task<IFormCollection?> ReadFormAsync(HttpRequest request)
    {
        if (!request.HasFormContentType
            || !request.ContentType!.StartsWith(FormContentType, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            return await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static string? Value(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && !StringValues.IsNullOrEmpty(values) ? values.ToString() : null;

    private static LwaClient? Authenticate(SimulatorState state, string? clientId, string? clientSecret)
    {
        var client = state.Options.FindClient(clientId);
        if (client is null || clientSecret is null)
        {
            return null;
        }

        return state.ClientSecrets.Accepts(client.ClientId, clientSecret) ? client : null;
    }
}
