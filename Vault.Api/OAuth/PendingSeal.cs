using System.Security.Cryptography;
using System.Text;

namespace Vault.Api.OAuth;

/// <summary>
/// Seals a pending authorization for its oauth_one_time row: AES-256-GCM under the row's own random key
/// (<see cref="OneTimeKey"/>), with the row's kind and id as AAD, so a payload opens only in the row it was written
/// for. Layout: 0x01 | nonce[12] | tag[16] | ciphertext.
/// </summary>
internal static class PendingSeal
{
    private const byte Version = 0x01;
    private const int NonceLength = 12, TagLength = 16, Overhead = 1 + NonceLength + TagLength;

    public static byte[] Seal(OneTimeKey key, string kind, ReadOnlySpan<byte> plaintext)
    {
        var sealedBytes = new byte[Overhead + plaintext.Length];
        sealedBytes[0] = Version;
        var nonce = sealedBytes.AsSpan(1, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Key, TagLength);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(Overhead), sealedBytes.AsSpan(1 + NonceLength, TagLength), Aad(kind, key.Id));
        return sealedBytes;
    }

    /// <summary>The plaintext (the caller zeroes it), or null for anything this key did not seal for this row.</summary>
    public static byte[]? Open(OneTimeKey key, string kind, byte[]? sealedBytes)
    {
        if (sealedBytes is null || sealedBytes.Length < Overhead || sealedBytes[0] != Version)
            return null;
        var plaintext = new byte[sealedBytes.Length - Overhead];
        try
        {
            using var aes = new AesGcm(key.Key, TagLength);
            aes.Decrypt(sealedBytes.AsSpan(1, NonceLength), sealedBytes.AsSpan(Overhead), sealedBytes.AsSpan(1 + NonceLength, TagLength), plaintext, Aad(kind, key.Id));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] Aad(string kind, string id) => Encoding.UTF8.GetBytes($"amazon-token-vault/oauth-one-time/{kind}/{id}");
}
