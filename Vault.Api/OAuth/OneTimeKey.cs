using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Vault.Api.OAuth;

/// <summary>
/// What the authorize URL (a ticket), then the OAuth cookie (a state), carries instead of the pending authorization:
/// the id of its oauth_one_time row and the random 256-bit key its payload is sealed under. The database alone opens
/// nothing, and once the row is taken or purged the key opens nothing either. It also carries the row's expiry, so a
/// sealed cookie can be judged live without a database read (the OAuth rate limit does). Disposing zeroes the key.
/// </summary>
public sealed class OneTimeKey : IDisposable
{
    public const int KeyLength = 32;
    private const int MaxIdLength = 64;
    private const int ExpiryLength = sizeof(long);
    private readonly byte[] _key;

    private OneTimeKey(string id, byte[] key, DateTimeOffset expiresAt)
    {
        Id = id;
        _key = key;
        ExpiresAt = expiresAt;
    }

    /// <summary>The row's id: a ticket's hex id, or the state Amazon sends back (base64url).</summary>
    public string Id { get; }

    public ReadOnlySpan<byte> Key => _key;

    /// <summary>When the row expires (to the second); the row's own expiry is what redemption checks.</summary>
    public DateTimeOffset ExpiresAt { get; }

    public static OneTimeKey New(string id, DateTimeOffset expiresAt)
    {
        if (!IsId(id))
            throw new ArgumentException("a one-time id is 1-64 base64url characters", nameof(id));
        return new OneTimeKey(id, RandomNumberGenerator.GetBytes(KeyLength), DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds()));
    }

    /// <summary>expiry (unix seconds, big-endian) || key || id: the bytes the URL's ticket and the cookie seal. The caller zeroes them.</summary>
    internal byte[] ToBytes()
    {
        var bytes = new byte[ExpiryLength + KeyLength + Id.Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes, ExpiresAt.ToUnixTimeSeconds());
        _key.CopyTo(bytes, ExpiryLength);
        Encoding.ASCII.GetBytes(Id, bytes.AsSpan(ExpiryLength + KeyLength));
        return bytes;
    }

    /// <summary>The key and id of <see cref="ToBytes"/>, or null for anything else; zeroes <paramref name="bytes"/>.</summary>
    internal static OneTimeKey? FromBytes(byte[]? bytes)
    {
        if (bytes is null)
            return null;
        try
        {
            if (bytes.Length <= ExpiryLength + KeyLength || bytes.Length > ExpiryLength + KeyLength + MaxIdLength)
                return null;
            var seconds = BinaryPrimitives.ReadInt64BigEndian(bytes);
            if (seconds < 0 || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
                return null;
            var id = Encoding.ASCII.GetString(bytes, ExpiryLength + KeyLength, bytes.Length - ExpiryLength - KeyLength);
            return IsId(id) ? new OneTimeKey(id, bytes[ExpiryLength..(ExpiryLength + KeyLength)], DateTimeOffset.FromUnixTimeSeconds(seconds)) : null;
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
