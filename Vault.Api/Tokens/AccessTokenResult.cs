namespace Vault.Api.Tokens;

/// <summary>
/// The cache entry holding the connection's access token (and its RDTs), or why there is none. The entry is the one
/// this request minted or found, whatever the stored row now holds. Never printed.
/// </summary>
public sealed record AccessTokenResult(AccessTokenCache.Entry? Entry, TokenFailure Failure)
{
    public string? AccessToken => Entry?.AccessToken;

    public DateTimeOffset ExpiresAt => Entry?.ExpiresAt ?? default;

    public static AccessTokenResult Failed(TokenFailure failure) => new(null, failure);

    public override string ToString() => $"AccessTokenResult {{ Failure = {Failure}, ExpiresAt = {ExpiresAt:O} }}";
}
