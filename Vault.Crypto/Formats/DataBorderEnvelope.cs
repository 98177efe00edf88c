using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Vault.Crypto.Kdf;
using Scrypt = Vault.Crypto.Kdf.Scrypt;

namespace Vault.Crypto.Formats;

/// <summary>
/// Byte-compatible with Data Border: base64(salt[32] | iv[16] | tag[16] | ciphertext), scrypt with Node's
/// defaults, AES-256-GCM without AAD. The 16-byte IV takes GCM's GHASH path for non-96-bit IVs, which
/// .NET's AesGcm does not offer, so this uses BouncyCastle's GcmBlockCipher (docs/FORMAT.md).
/// </summary>
public static class DataBorderEnvelope
{
    public const int SaltLength = 32, IvLength = 16, TagLength = 16;
    private const int PrefixLength = SaltLength + IvLength + TagLength;

    public static ScryptParameters Parameters => ScryptParameters.Default;

    public static byte[] Seal(string token, SellerSecret secret) => Seal(token, secret, new byte[Vault.Crypto.Kdf.KdfParameters.KeyLength]);

    /// <summary>Derives into <paramref name="key"/> and zeroes it before returning (tests pass a buffer they can check).</summary>
    internal static byte[] Seal(string token, SellerSecret secret, byte[] key)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var plaintext = Encoding.UTF8.GetBytes(token);
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        var iv = RandomNumberGenerator.GetBytes(IvLength);
        try
        {
            Scrypt.Default.Derive(secret.Utf8, salt, Parameters, key);
            var cipher = Cipher(forEncryption: true, key, iv);
            var output = new byte[cipher.GetOutputSize(plaintext.Length)];
            var written = cipher.ProcessBytes(plaintext, 0, plaintext.Length, output, 0);
            cipher.DoFinal(output, written);

            // BouncyCastle appends the tag; Data Border puts it before the ciphertext.
            var blob = new byte[PrefixLength + plaintext.Length];
            salt.CopyTo(blob, 0);
            iv.CopyTo(blob, SaltLength);
            output.AsSpan(plaintext.Length, TagLength).CopyTo(blob.AsSpan(SaltLength + IvLength));
            output.AsSpan(0, plaintext.Length).CopyTo(blob.AsSpan(PrefixLength));
            CryptographicOperations.ZeroMemory(output);
            return blob;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public static string SealToBase64(string token, SellerSecret secret) => Convert.ToBase64String(Seal(token, secret));

    /// <summary>Decodes the base64 text of a Data Border record; null when it is not strict base64.</summary>
    public static byte[]? TryDecodeBase64(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var buffer = new byte[text.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(text.Trim(), buffer, out var written) ? buffer[..written] : null;
    }

    public static OpenResult Open(ReadOnlySpan<byte> blob, SellerSecret secret) => Open(blob, secret, new byte[Vault.Crypto.Kdf.KdfParameters.KeyLength]);

    /// <summary>Derives into <paramref name="key"/> and zeroes it before returning, whether the secret opened the blob or not.</summary>
    internal static OpenResult Open(ReadOnlySpan<byte> blob, SellerSecret secret, byte[] key)
    {
        if (blob.Length <= PrefixLength)
            return OpenResult.Corrupt;
        var salt = blob[..SaltLength];
        var iv = blob.Slice(SaltLength, IvLength).ToArray();
        var tag = blob.Slice(SaltLength + IvLength, TagLength);
        var ciphertext = blob[PrefixLength..];

        var input = new byte[ciphertext.Length + TagLength];
        var plaintext = new byte[ciphertext.Length];
        try
        {
            Scrypt.Default.Derive(secret.Utf8, salt, Parameters, key);
            ciphertext.CopyTo(input);
            tag.CopyTo(input.AsSpan(ciphertext.Length));
            var cipher = Cipher(forEncryption: false, key, iv);
            var written = cipher.ProcessBytes(input, 0, input.Length, plaintext, 0);
            cipher.DoFinal(plaintext, written);
            return Utf8Text.TryDecode(plaintext, out var token) ? OpenResult.Opened(token) : OpenResult.Corrupt;
        }
        catch (InvalidCipherTextException)
        {
            return OpenResult.Mismatch;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(input);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public static OpenResult OpenBase64(string text, SellerSecret secret) =>
        TryDecodeBase64(text) is { } blob ? Open(blob, secret) : OpenResult.Corrupt;

    private static GcmBlockCipher Cipher(bool forEncryption, byte[] key, byte[] iv)
    {
        var cipher = new GcmBlockCipher(AesUtilities.CreateEngine());
        cipher.Init(forEncryption, new AeadParameters(new KeyParameter(key), TagLength * 8, iv));
        return cipher;
    }
}
