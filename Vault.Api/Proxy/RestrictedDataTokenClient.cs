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
/// RDTs are kept beside the connection's access token, per resource, for their lifetime less a margin. Concurrent
/// first calls for one resource share one request (Amazon allows 1 createRestrictedDataToken a second per seller,
/// burst 10), through <see cref="Flights"/>.
/// </summary>
public sealed class RestrictedDataTokenClient(HttpClient http, AmazonEndpoints endpoints, TimeProvider clock, RestrictedDataTokenClient.Flights flights)
{
    public const string Path = "tokens/2021-03-01/restrictedDataToken";

    public sealed record Outcome(string? Token, TokenFailure Failure, int? AmazonStatus = null, string? AmazonBody = null);

    /// <summary>The requests in flight, by cache entry and resource (a singleton: typed HTTP clients are transient).</summary>
    public sealed class Flights() : SingleFlight<(AccessTokenCache.Entry Entry, string Resource), Outcome>;

    public async Task<Outcome> GetAsync(AccessTokenCache.Entry entry, Region region, RestrictedOperations.Resource resource, CancellationToken ct)
    {
        if (Cached(entry, resource) is { } cached)
            return cached;
        ct.ThrowIfCancellationRequested();
        // Shared by every caller that arrives while it runs, so no one caller's cancellation ends it; the client's
        // resilience pipeline bounds it in time.
        return await flights.RunAsync((entry, resource.CacheKey), () => RequestAsync(entry, region, resource, CancellationToken.None));
    }

    private Outcome? Cached(AccessTokenCache.Entry entry, RestrictedOperations.Resource resource) =>
        entry.RestrictedDataTokens.TryGetValue(resource.CacheKey, out var cached) && cached.RefreshAt > clock.GetUtcNow()
            ? new Outcome(cached.Token, TokenFailure.None)
            : null;

    private async Task<Outcome> RequestAsync(AccessTokenCache.Entry entry, Region region, RestrictedOperations.Resource resource, CancellationToken ct)
    {
        // A flight that started just after another one stored its token finds it here.
        if (Cached(entry, resource) is { } cached)
            return cached;
        var now = clock.GetUtcNow();

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
