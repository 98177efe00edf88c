using System.Security.Cryptography;
using System.Text;

namespace Vault.Api.OAuth;

/// <summary>
/// What the authorize URL (a ticket), then the OAuth cookie (a state), carries instead of the pending authorization:
/// the id of its oauth_one_time row and the random 256-bit key its payload is sealed under. The database alone opens
/// nothing, and once the row is taken or purged the key opens nothing either. Disposing zeroes the key.
/// </summary>
public sealed class OneTimeKey : IDisposable
{
    public const int KeyLength = 32;
    private const int MaxIdLength = 64;
    private readonly byte[] _key;

    private OneTimeKey(string id, byte[] key)
    {
        Id = id;
        _key = key;
    }

    /// <summary>The row's id: a ticket's hex id, or the state Amazon sends back (base64url).</summary>
    public string Id { get; }

    public ReadOnlySpan<byte> Key => _key;

    public static OneTimeKey New(string id)
    {
        if (!IsId(id))
            throw new ArgumentException("a one-time id is 1-64 base64url characters", nameof(id));
        return new OneTimeKey(id, RandomNumberGenerator.GetBytes(KeyLength));
    }

    /// <summary>key || id: the bytes the URL's ticket and the cookie seal. The caller zeroes them.</summary>
    internal byte[] ToBytes() => [.. _key, .. Encoding.ASCII.GetBytes(Id)];

    /// <summary>The key and id of <see cref="ToBytes"/>, or null for anything else; zeroes <paramref name="bytes"/>.</summary>
    internal static OneTimeKey? FromBytes(byte[]? bytes)
    {
        if (bytes is null)
            return null;
        try
        {
            if (bytes.Length <= KeyLength || bytes.Length > KeyLength + MaxIdLength)
                return null;
            var id = Encoding.ASCII.GetString(bytes, KeyLength, bytes.Length - KeyLength);
            return IsId(id) ? new OneTimeKey(id, bytes[..KeyLength]) : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    public override string ToString() => "OneTimeKey { [redacted] }";

    private static bool IsId(string id) => id.Length is > 0 and <= MaxIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
