namespace Vault.Api.Amazon;

public enum LwaFailure
{
    None,

    /// <summary>Amazon answered invalid_grant: the code or refresh token is revoked, used or expired.</summary>
    InvalidGrant,

    /// <summary>Amazon refused the vault's own client credentials or request (invalid_client, unauthorized_client, invalid_request).</summary>
    ClientRejected,

    /// <summary>Amazon answered invalid_scope to a client_credentials grant: the application may not use that scope.</summary>
    ScopeRefused,

    /// <summary>Amazon failed, answered something unreadable, or its circuit is open.</summary>
    AmazonError,

    Timeout,
}

/// <summary>The outcome of one LWA token call. Tokens are never printed.</summary>
public sealed record LwaResult(LwaFailure Failure, string? AccessToken = null, string? RefreshToken = null, int ExpiresIn = 0, string? AmazonCode = null)
{
    public bool Succeeded => Failure == LwaFailure.None;

    public override string ToString() => $"LwaResult {{ Failure = {Failure}, ExpiresIn = {ExpiresIn}, AmazonCode = {AmazonCode} }}";
}
