using System.Text.Json.Serialization;

namespace Vault.AmazonSimulator.Lwa;

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("refresh_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("scope"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Scope = null);

/// <summary>The three grants the vault uses, each answered the way LWA answers it.</summary>
public sealed class TokenGrants(SimulatorState state)
{
    /// <summary>
    /// Grantless scopes an SP-API app may request with client_credentials:
    /// https://developer-docs.amazon.com/sp-api/docs/grantless-operations
    /// </summary>
    public static readonly IReadOnlySet<string> GrantlessScopes = new HashSet<string>(StringComparer.Ordinal)
    {
        "sellingpartnerapi::notifications",
        "sellingpartnerapi::client_credential:rotation",
    };

    private const string Bearer = "bearer";
    private int ExpiresIn => (int)state.Tokens.AccessTokenLifetime.TotalSeconds;

    public IResult AuthorizationCode(LwaClient client, string? code, string? redirectUri)
    {
        if (code is null)
        {
            return LwaErrors.MissingParameter("code");
        }

        if (redirectUri is null)
        {
            return LwaErrors.MissingParameter("redirect_uri");
        }

        var outcome = state.Codes.Redeem(code, client.ClientId, redirectUri, out var grant);
        if (outcome != CodeRedemption.Redeemed || grant is null)
        {
            return LwaErrors.InvalidGrant(outcome == CodeRedemption.WrongRedirectUri ? "redirect_uri" : "code");
        }

        var refreshToken = state.Tokens.IssueRefreshToken(client.ClientId, grant.SellingPartnerId, grant.Scope);
        var accessToken = state.Tokens.IssueAccessToken(client.ClientId, grant.SellingPartnerId, grant.Scope);
        return Results.Json(new TokenResponse(accessToken, refreshToken, Bearer, ExpiresIn));
    }

    public IResult RefreshToken(LwaClient client, string? refreshToken)
    {
        if (refreshToken is null)
        {
            return LwaErrors.MissingParameter("refresh_token");
        }

        // A refresh token belongs to one client and cannot be used by another:
        // https://developer.amazon.com/docs/login-with-amazon/refresh-token.html
        var grant = state.Tokens.FindRefreshToken(refreshToken);
        if (grant is null || grant.Revoked || !string.Equals(grant.ClientId, client.ClientId, StringComparison.Ordinal))
        {
            return LwaErrors.InvalidGrant("refresh_token");
        }

        var accessToken = state.Tokens.IssueAccessToken(client.ClientId, grant.SellingPartnerId, grant.Scope);
        return Results.Json(new TokenResponse(accessToken, refreshToken, Bearer, ExpiresIn));
    }

    public IResult ClientCredentials(LwaClient client, string? scope)
    {
        if (scope is null)
        {
            return LwaErrors.MissingParameter("scope");
        }

        if (client.Kind != LwaClientKind.SpApi)
        {
            return LwaErrors.UnauthorizedClient();
        }

        if (!GrantlessScopes.Contains(scope))
        {
            return LwaErrors.InvalidScope();
        }

        // A known scope the app has not been given (its developer-console roles): LWA names the parameter at fault.
        if (!state.Applications.MayUse(client.ClientId, scope))
        {
            return LwaErrors.ScopeNotAllowed();
        }

        var accessToken = state.Tokens.IssueAccessToken(client.ClientId, sellingPartnerId: null, scope, grantless: true);
        return Results.Json(new TokenResponse(accessToken, RefreshToken: null, Bearer, ExpiresIn, scope));
    }
}
