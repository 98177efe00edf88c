using System.Security.Cryptography;
using System.Buffers.Text;
using System.Text;

namespace Vault.Crypto;

/// <summary>
/// Seals short-lived payloads (OAuth tickets and the OAuth cookie) with AES-256-GCM under a key derived
/// by HKDF-SHA256 from COOKIE_ENCRYPTION_KEY and a purpose, so a ticket can never be replayed as a cookie.
/// Output is base64url: 0x01 | nonce[12] | tag[16] | ciphertext, with the purpose as AAD.
/// </summary>
public sealed class PayloadSealer : IDisposable
{
    public const int CookieKeyLength = 64;
    private const byte Version = 0x01;
    private const int NonceLength = 12, TagLength = 16, Overhead = 1 + NonceLength + TagLength;

    /// <summary>Sealed payloads larger than this are refused unopened: they cannot be ours.</summary>
    public const int MaxSealedLength = 8 * 1024;

    private readonly byte[] _key;
    private readonly byte[] _purpose;
    private bool _disposed;

    public PayloadSealer(string cookieEncryptionKey, string purpose)
    {
        if (cookieEncryptionKey is null || cookieEncryptionKey.Length != CookieKeyLength)
            throw new ArgumentException($"COOKIE_ENCRYPTION_KEY must be exactly {CookieKeyLength} characters", nameof(cookieEncryptionKey));
        _purpose = Encoding.UTF8.GetBytes("amazon-token-vault/" + purpose);
        var ikm = Encoding.UTF8.GetBytes(cookieEncryptionKey);
        try
        {
            _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, salt: [], info: _purpose);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ikm);
        }
    }

    public string Seal(ReadOnlySpan<byte> payload)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var sealedBytes = new byte[Overhead + payload.Length];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagLength);
        aes.Encrypt(nonce, payload, sealedBytes.AsSpan(Overhead), sealedBytes.AsSpan(1 + NonceLength, TagLength), _purpose);
        return Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>The payload, or null for anything that is not an intact payload sealed by this key and purpose.</summary>
    public byte[]? Unseal(string? text)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (string.IsNullOrEmpty(text) || text.Length > MaxSealedLength || !Base64Url.IsValid(text))
            return null;
        var sealedBytes = Base64Url.DecodeFromChars(text);
        if (sealedBytes.Length < Overhead || sealedBytes[0] != Version)
            return null;
        // Only the exact text Seal wrote: the decoder also takes whitespace and padding, and a seal should have one spelling.
        if (!string.Equals(Base64Url.EncodeToString(sealedBytes), text, StringComparison.Ordinal))
            return null;
        var plaintext = new byte[sealedBytes.Length - Overhead];
        try
        {
            using var aes = new AesGcm(_key, TagLength);
            aes.Decrypt(sealedBytes.AsSpan(1, NonceLength), sealedBytes.AsSpan(Overhead), sealedBytes.AsSpan(1 + NonceLength, TagLength), plaintext, _purpose);
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        CryptographicOperations.ZeroMemory(_key);
        _disposed = true;
    }
}
