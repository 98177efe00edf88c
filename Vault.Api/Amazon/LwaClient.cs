using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Vault.Api.ClientSecrets;
using Vault.Api.Configuration;
using Vault.Api.Observability;

namespace Vault.Api.Amazon;

/// <summary>
/// Login with Amazon token endpoint client: code exchange and refresh.
/// https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api#step-1-request-a-login-with-amazon-access-token
/// Refreshes take the retries, timeouts and circuit breaker of the resilience pipeline registered with this HttpClient;
/// code exchanges go through <see cref="CodeExchangeClient"/>, one attempt and a timeout (AmazonHttpExtensions).
/// One instance for the process: it asks the client factory for an HttpClient per call, so the factory can rotate its
/// handlers, and a proxied call that finds its access token cached never makes one.
/// </summary>
public sealed class LwaClient(IHttpClientFactory clients, AmazonEndpoints endpoints, VaultOptions options, VaultMetrics metrics, LwaClientSecrets secrets)
{
    public const string TokenPath = "auth/o2/token";

    /// <summary>The named HttpClient for refreshes and grantless tokens, with retries: asking twice spends nothing.</summary>
    public const string RefreshClient = "lwa";

    /// <summary>The named HttpClient for the authorization_code grant: never retried, since a code works once.</summary>
    public const string CodeExchangeClient = "lwa-code";

    /// <summary>The one attempt at a code exchange gets what a refresh gets with all its retries.</summary>
    public static readonly TimeSpan CodeExchangeTimeout = TimeSpan.FromSeconds(20);

    public Task<LwaResult> ExchangeCodeAsync(Region region, AmazonApi api, string code, Uri redirectUri, CancellationToken ct) =>
        PostAsync(clients.CreateClient(CodeExchangeClient), region, api, ct, ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectUri.ToString()));

    public Task<LwaResult> RefreshAsync(Region region, AmazonApi api, string refreshToken, CancellationToken ct) =>
        PostAsync(clients.CreateClient(RefreshClient), region, api, ct, ("grant_type", "refresh_token"), ("refresh_token", refreshToken));

    /// <summary>
    /// A grantless access token (no seller, no refresh token) for one LWA <paramref name="scope"/> of the SP-API application:
    /// https://developer-docs.amazon.com/sp-api/docs/grantless-operations. Same retries as a refresh: nothing is spent by asking twice.
    /// </summary>
    public Task<LwaResult> ClientCredentialsAsync(Region region, string scope, CancellationToken ct) =>
        PostAsync(clients.CreateClient(RefreshClient), region, AmazonApi.SpApi, ct, ("grant_type", "client_credentials"), ("scope", scope));

    /// <summary>
    /// Presents the secret in use; on invalid_client, each other known secret once (SPAPI_LWA_CLIENT_SECRET_PREVIOUS, a rotated
    /// one), and the first that LWA authenticates becomes the one in use. Safe for a code exchange too: LWA authenticates the
    /// client before it looks at the code, so a refused attempt has not spent it.
    /// </summary>
    private async Task<LwaResult> PostAsync(HttpClient client, Region region, AmazonApi api, CancellationToken ct, params (string Key, string Value)[] fields)
    {
        var candidates = secrets.For(api);
        var result = await AttemptAsync(client, region, api, candidates.Chosen?.Value, fields, ct);
        if (result.AmazonCode != InvalidClient)
            return result;
        foreach (var other in candidates.Others)
        {
            var retried = await AttemptAsync(client, region, api, other.Value, fields, ct);
            if (retried.Succeeded || retried.Failure == LwaFailure.InvalidGrant)
            {
                secrets.TrySwitch(api, candidates, other.Slot);
                return retried;
            }
            if (retried.AmazonCode != InvalidClient)
                return retried;
        }
        return result;
    }

    private const string InvalidClient = "invalid_client";

    private async Task<LwaResult> AttemptAsync(HttpClient client, Region region, AmazonApi api, string? clientSecret, (string Key, string Value)[] fields, CancellationToken ct)
    {
        var result = await SendAsync(client, region, api, clientSecret, fields, ct);
        metrics.LwaCall(fields[0].Value, result.Failure);
        return result;
    }

    private async Task<LwaResult> SendAsync(HttpClient client, Region region, AmazonApi api, string? clientSecret, (string Key, string Value)[] fields, CancellationToken ct)
    {
        var clientId = api.LwaClient(options).Id;
        if (clientId is null || clientSecret is null)
            return new LwaResult(LwaFailure.ClientRejected, AmazonCode: "not_configured");

        var form = fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))
            .Append(new("client_id", clientId))
            .Append(new("client_secret", clientSecret));
        try
        {
            using var response = await client.PostAsync(endpoints.Url(region.LwaTokenHost, TokenPath), new FormUrlEncodedContent(form), ct);
            return await ReadAsync(response, ct);
        }
        catch (Exception e) when (e is TimeoutRejectedException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return new LwaResult(LwaFailure.Timeout);
        }
        catch (Exception e) when (e is HttpRequestException or BrokenCircuitException)
        {
            return new LwaResult(LwaFailure.AmazonError);
        }
    }

    private static async Task<LwaResult> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        TokenResponse? body;
        try
        {
            body = await response.Content.ReadFromJsonAsync<TokenResponse>(ct);
        }
        catch (JsonException)
        {
            return new LwaResult(LwaFailure.AmazonError);
        }
        if (response.IsSuccessStatusCode)
        {
            return body?.AccessToken is { Length: > 0 } access
                ? new LwaResult(LwaFailure.None, access, body.RefreshToken, body.ExpiresIn > 0 ? body.ExpiresIn : 3600)
                : new LwaResult(LwaFailure.AmazonError);
        }
        var code = body?.Error;
        var failure = code switch
        {
            "invalid_grant" => LwaFailure.InvalidGrant,
            "invalid_scope" => LwaFailure.ScopeRefused,
            "invalid_client" or "unauthorized_client" or "invalid_request" or "unsupported_grant_type" => LwaFailure.ClientRejected,
            _ when response.StatusCode == HttpStatusCode.Unauthorized => LwaFailure.ClientRejected,
            _ => LwaFailure.AmazonError,
        };
        return new LwaResult(failure, AmazonCode: code is { Length: <= 64 } && code.All(c => char.IsAsciiLetterLower(c) || c == '_') ? code : null);
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("refresh_token")] string? RefreshToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn,
        [property: JsonPropertyName("error")] string? Error);
}
