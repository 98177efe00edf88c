using Vault.Api.Configuration;
using Vault.Crypto;

namespace Vault.Api.OAuth;

/// <summary>The two sealers under COOKIE_ENCRYPTION_KEY; separate purposes so a ticket is never accepted as a cookie.</summary>
public sealed class OAuthSealers(VaultOptions options) : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public PayloadSealer Tickets { get; } = new(options.CookieEncryptionKey, "oauth-ticket");

    public PayloadSealer Cookies { get; } = new(options.CookieEncryptionKey, "oauth-cookie");

    public string SealTicket(AuthorizationTicket ticket) => Tickets.Seal(OAuthPayloadSerializer.Serialize(ticket));

    public AuthorizationTicket? OpenTicket(string? text) => OAuthPayloadSerializer.Deserialize<AuthorizationTicket>(Tickets.Unseal(text));

    public string SealCookie(OAuthCookie cookie) => Cookies.Seal(OAuthPayloadSerializer.Serialize(cookie));

    public OAuthCookie? OpenCookie(string? text) => OAuthPayloadSerializer.Deserialize<OAuthCookie>(Cookies.Unseal(text));

    public void Dispose()
    {
        Tickets.Dispose();
        Cookies.Dispose();
    }
}
