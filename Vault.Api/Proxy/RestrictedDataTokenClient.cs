using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Vault.Api.Amazon;
using Vault.Api.Tokens;

namespace Vault.Api.Proxy;

/// <summary>
/// createRestrictedDataToken: https://developer-docs.amazon.com/sp-api/docs/tokens-api-v2021-03-01-reference
/// RDTs are kept beside the connection's access token, per resource, for their lifetime less a margin.
/// </summary>
public sealed class RestrictedDataTokenClient(HttpClient http, AmazonEndpoints endpoints, TimeProvider clock)
{
    public const string Path = "tokens/2021-03-01/restrictedDataToken";

    public sealed record Outcome(string? Token, TokenFailure Failure, int? AmazonStatus = null, string? AmazonBody = null);

    public async Task<Outcome> GetAsync(AccessTokenCache.Entry entry, Region region, RestrictedOperations.Resource resource, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (entry.RestrictedDataTokens.TryGetValue(resource.CacheKey, out var cached) && cached.RefreshAt > now)
            return new Outcome(cached.Token, TokenFailure.None);

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoints.Url(region.SpApiHost, Path))
        {
            Content = JsonContent.Create(new RdtRequest([new RdtResource(resource.Method, resource.Path, resource.DataElements)])),
        };
        request.Headers.TryAddWithoutValidation("x-amz-access-token", entry.AccessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                return new Outcome(null, TokenFailure.AmazonError, (int)response.StatusCode, body);
            var rdt = JsonSerializer.Deserialize<RdtResponse>(body);
            if (rdt?.RestrictedDataToken is not { Length: > 0 } token)
                return new Outcome(null, TokenFailure.AmazonError);
            var lifetime = TimeSpan.FromSeconds(rdt.ExpiresIn > 0 ? rdt.ExpiresIn : 3600);
            entry.RestrictedDataTokens[resource.CacheKey] = (token, now + lifetime - TimeSpan.FromMinutes(1));
            return new Outcome(token, TokenFailure.None);
        }
        catch (Exception e) when (e is TimeoutRejectedException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return new Outcome(null, TokenFailure.AmazonTimeout);
        }
        catch (Exception e) when (e is HttpRequestException or BrokenCircuitException or JsonException)
        {
            return new Outcome(null, TokenFailure.AmazonError);
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
