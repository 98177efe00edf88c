using System.Security.Cryptography;
using Vault.Api.Configuration;
using Vault.Crypto;

namespace Vault.Api.OAuth;

/// <summary>
/// The two sealers under COOKIE_ENCRYPTION_KEY, for the ticket in the authorize URL and for the OAuth cookie; separate
/// purposes so a ticket is never accepted as a cookie. Each seals only a <see cref="OneTimeKey"/> (a row id and its
/// key): the pending authorization itself stays in the database.
/// </summary>
public sealed class OAuthSealers(VaultOptions options) : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public PayloadSealer Tickets { get; } = new(options.CookieEncryptionKey, "oauth-ticket");

    public PayloadSealer Cookies { get; } = new(options.CookieEncryptionKey, "oauth-cookie");

    public string SealTicket(OneTimeKey key) => Seal(Tickets, key);

    public OneTimeKey? OpenTicket(string? text) => OneTimeKey.FromBytes(Tickets.Unseal(text));

    public string SealCookie(OneTimeKey key) => Seal(Cookies, key);

    public OneTimeKey? OpenCookie(string? text) => OneTimeKey.FromBytes(Cookies.Unseal(text));

    public void Dispose()
    {
        Tickets.Dispose();
        Cookies.Dispose();
    }

    private static string Seal(PayloadSealer sealer, OneTimeKey key)
    {
        var bytes = key.ToBytes();
        try
        {
            return sealer.Seal(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
