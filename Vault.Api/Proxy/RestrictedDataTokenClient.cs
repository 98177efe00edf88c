using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Tokens;

namespace Vault.Api.Proxy;

/// <summary>
/// createRestrictedDataToken: https://developer-docs.amazon.com/sp-api/docs/tokens-api-v2021-03-01-reference
/// The tokens are kept, one request at a time per resource, by the access token's cache entry
/// (<see cref="RestrictedDataTokens"/>), for their lifetime less a margin. One instance for the process: an HttpClient is
/// made only when a token is requested, not for every proxied call.
/// </summary>
public sealed class RestrictedDataTokenClient(IHttpClientFactory clients, AmazonEndpoints endpoints, VaultOptions options, TimeProvider clock)
{
    public const string Path = "tokens/2021-03-01/restrictedDataToken";

    /// <summary>The named HttpClient, with the standard resilience handler.</summary>
    public const string ClientName = "rdt";

    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(1);

    public async Task<RestrictedDataToken> GetAsync(AccessTokenCache.Entry entry, Region region, RestrictedOperations.Resource resource, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        // Shared by every caller that arrives while it runs, so no one caller's cancellation ends it; the client's
        // resilience pipeline bounds it in time.
        return await entry.RestrictedDataTokens.GetAsync(resource.CacheKey, clock, () => RequestAsync(entry.AccessToken, region, resource, CancellationToken.None));
    }

    private async Task<RestrictedDataToken> RequestAsync(string accessToken, Region region, RestrictedOperations.Resource resource, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoints.Url(region.SpApiHost, Path))
        {
            Content = JsonContent.Create(new RdtRequest([new RdtResource(resource.Method, resource.Path, resource.DataElements)])),
        };
        AmazonApi.SpApi.AddCredentials(request.Headers, accessToken, options);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                return new RestrictedDataToken(null, TokenFailure.AmazonError, AmazonStatus: (int)response.StatusCode, AmazonBody: body);
            var rdt = JsonSerializer.Deserialize<RdtResponse>(body);
            if (rdt?.RestrictedDataToken is not { Length: > 0 } token)
                return new RestrictedDataToken(null, TokenFailure.AmazonError);
            var lifetime = TimeSpan.FromSeconds(rdt.ExpiresIn > 0 ? rdt.ExpiresIn : 3600);
            return new RestrictedDataToken(token, TokenFailure.None, AccessTokenCache.RefreshAtFor(now, lifetime, RefreshMargin));
        }
        catch (Exception e) when (e is TimeoutRejectedException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return new RestrictedDataToken(null, TokenFailure.AmazonTimeout);
        }
        catch (Exception e) when (e is HttpRequestException or BrokenCircuitException or JsonException)
        {
            return new RestrictedDataToken(null, TokenFailure.AmazonError);
        }
    }

    private sealed record RdtResource(
        [property: JsonPropertyName("method")] string Method,
        [property: JsonPropertyName("path")] string Path,
        [property: JsonPropertyName("dataElements"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? DataElements);

    private sealed record RdtRequest([property: JsonPropertyName("restrictedResources")] IReadOnlyList<RdtResource> RestrictedResources);

    private sealed record RdtResponse(
        [property: JsonPropertyName("restrictedDataToken")] string? RestrictedDataToken,
        [property: JsonPropertyName("expiresIn")] int ExpiresIn);
}
