using System.Collections.Concurrent;
using Vault.AmazonSimulator.Lwa;

namespace Vault.AmazonSimulator.SpApi;

/// <summary>One restricted resource as requested: a method, a path (concrete or generic) and data elements.</summary>
public sealed record RestrictedResource(string Method, string Path, IReadOnlyList<string>? DataElements = null);

public sealed record RestrictedDataTokenGrant(
    string ClientId,
    string SellingPartnerId,
    IReadOnlyList<RestrictedResource> Resources,
    DateTimeOffset ExpiresAt);

/// <summary>
/// Restricted Data Tokens minted by createRestrictedDataToken. A resource path may be concrete
/// (<c>/orders/v0/orders/902-1845936-5435065/address</c>) or generic (<c>/orders/v0/orders/{orderId}/address</c>):
/// https://developer-docs.amazon.com/sp-api/docs/tokens-api-use-case-guide
/// </summary>
public sealed class RestrictedDataTokens(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, RestrictedDataTokenGrant> _tokens = new(StringComparer.Ordinal);

    public string Issue(string clientId, string sellingPartnerId, IReadOnlyList<RestrictedResource> resources)
    {
        var token = TokenValues.NewRestrictedDataToken();
        _tokens[token] = new RestrictedDataTokenGrant(clientId, sellingPartnerId, resources, time.GetUtcNow() + Lifetime);
        return token;
    }

    public RestrictedDataTokenGrant? Find(string? token) =>
        token is not null && _tokens.TryGetValue(token, out var grant) ? grant : null;

    public bool IsExpired(RestrictedDataTokenGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return time.GetUtcNow() >= grant.ExpiresAt;
    }

    /// <summary>The resource of the token that covers this call, if any.</summary>
    public static RestrictedResource? Covering(RestrictedDataTokenGrant grant, string method, string path)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return grant.Resources.FirstOrDefault(r =>
            string.Equals(r.Method, method, StringComparison.OrdinalIgnoreCase) && SpApiPaths.Match(r.Path, path));
    }

    public int Count => _tokens.Count;

    public void Clear() => _tokens.Clear();
}
