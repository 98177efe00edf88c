using System.Collections.Concurrent;

namespace Vault.Api.Tokens;

/// <summary>A Restricted Data Token until <paramref name="RefreshAt"/>, or why not (with Amazon's refusal when it gave one). Never printed.</summary>
public sealed record RestrictedDataToken(string? Token, TokenFailure Failure, DateTimeOffset RefreshAt = default, int? AmazonStatus = null, string? AmazonBody = null)
{
    public override string ToString() => $"RestrictedDataToken {{ Failure = {Failure}, RefreshAt = {RefreshAt:O}, AmazonStatus = {AmazonStatus} }}";
}

/// <summary>
/// The RDTs obtained with one access token (one <see cref="AccessTokenCache.Entry"/>), per restricted resource: the
/// one home of RDT caching and of its single-flight. Concurrent first calls for a resource share one request (Amazon
/// allows 1 createRestrictedDataToken a second per seller, burst 10).
/// </summary>
public sealed class RestrictedDataTokens
{
    private readonly ConcurrentDictionary<string, RestrictedDataToken> _tokens = new(StringComparer.Ordinal);
    private readonly SingleFlight<string, RestrictedDataToken> _flights = new(StringComparer.Ordinal);

    /// <summary>
    /// The live RDT for <paramref name="resource"/>, else the result of <paramref name="request"/>, run once for every
    /// caller that arrives while it runs; a token it returns is kept until its RefreshAt.
    /// </summary>
    public async Task<RestrictedDataToken> GetAsync(string resource, TimeProvider clock, Func<Task<RestrictedDataToken>> request)
    {
        if (Live(resource, clock) is { } cached)
            return cached;
        return await _flights.RunAsync(resource, async () =>
        {
            // A flight that started just after another one stored its token finds it here.
            if (Live(resource, clock) is { } stored)
                return stored;
            var fetched = await request();
            if (fetched.Token is not null)
                _tokens[resource] = fetched;
            return fetched;
        });
    }

    private RestrictedDataToken? Live(string resource, TimeProvider clock) =>
        _tokens.TryGetValue(resource, out var token) && token.RefreshAt > clock.GetUtcNow() ? token : null;
}
