using Vault.Api.Amazon;

namespace Vault.Api.Grantless;

/// <summary>
/// A grantless access token for one region and LWA scope, or why there is none (<see cref="Failure"/>, with LWA's own
/// error code when it gave one). Never printed: <see cref="ToString"/> leaves the token out.
/// </summary>
public sealed record GrantlessToken(string? AccessToken, DateTimeOffset ExpiresAt, DateTimeOffset RefreshAt, LwaFailure Failure, string? AmazonCode = null)
{
    public bool Succeeded => AccessToken is not null;

    public static GrantlessToken Failed(LwaFailure failure, string? amazonCode) => new(null, default, default, failure, amazonCode);

    public override string ToString() => $"GrantlessToken {{ Failure = {Failure}, ExpiresAt = {ExpiresAt:O}, AmazonCode = {AmazonCode} }}";
}
