using System.Security.Cryptography;
using System.Text;
using Vault.Crypto.Kdf;

namespace Vault.Crypto.Formats;

/// <summary>
/// The format the vault writes: header | salt[32] | nonce[12] | tag[16] | ciphertext, AES-256-GCM with
/// AAD = header | binding text. The header is authenticated so parameters cannot be downgraded.
/// </summary>
public static class V1Envelope
{
    public const int SaltLength = 32, NonceLength = 12, TagLength = 16;

    public static byte[] Seal(string token, SellerSecret secret, TokenBinding binding, KdfParameters parameters)
    {
        Span<byte> key = stackalloc byte[KdfParameters.KeyLength];
        return Seal(token, secret, binding, parameters, key);
    }

    /// <summary>Derives into <paramref name="key"/> and zeroes it before returning (tests pass a buffer they can check).</summary>
    internal static byte[] Seal(string token, SellerSecret secret, TokenBinding binding, KdfParameters parameters, Span<byte> key)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        var header = V1Header.Encode(parameters);
        var plaintext = Encoding.UTF8.GetBytes(token);
        var blob = new byte[header.Length + SaltLength + NonceLength + TagLength + plaintext.Length];
        var layout = new Layout(blob, header.Length);
        header.CopyTo(blob, 0);
        RandomNumberGenerator.Fill(layout.Salt);
        RandomNumberGenerator.Fill(layout.Nonce);
        try
        {
            KeyDerivation.Derive(parameters, secret.Utf8, layout.Salt, key);
            using var aes = new AesGcm(key, TagLength);
            aes.Encrypt(layout.Nonce, plaintext, layout.Ciphertext, layout.Tag, Aad(header, binding));
            return blob;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public static OpenResult Open(ReadOnlySpan<byte> blob, SellerSecret secret, TokenBinding binding)
    {
        Span<byte> key = stackalloc byte[KdfParameters.KeyLength];
        return Open(blob, secret, binding, key);
    }

    /// <summary>Derives into <paramref name="key"/> and zeroes it before returning, whether the secret opened the blob or not.</summary>
    internal static OpenResult Open(ReadOnlySpan<byte> blob, SellerSecret secret, TokenBinding binding, Span<byte> key)
    {
        if (!TryReadParameters(blob, out var parameters, out var headerLength))
            return OpenResult.Corrupt;
        var layout = new ReadOnlyLayout(blob, headerLength);
        var plaintext = new byte[layout.Ciphertext.Length];
        try
        {
            KeyDerivation.Derive(parameters!, secret.Utf8, layout.Salt, key);
            using var aes = new AesGcm(key, TagLength);
            aes.Decrypt(layout.Nonce, layout.Ciphertext, layout.Tag, plaintext, Aad(blob[..headerLength], binding));
            return Utf8Text.TryDecode(plaintext, out var token) ? OpenResult.Opened(token) : OpenResult.Corrupt;
        }
        catch (AuthenticationTagMismatchException)
        {
            return OpenResult.Mismatch;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The KDF parameters of a well-formed blob, read without deriving anything.</summary>
    public static bool TryReadParameters(ReadOnlySpan<byte> blob, out KdfParameters? parameters, out int headerLength) =>
        V1Header.TryParse(blob, out parameters, out headerLength)
        && blob.Length > headerLength + SaltLength + NonceLength + TagLength;

    private static byte[] Aad(ReadOnlySpan<byte> header, TokenBinding binding)
    {
        var suffix = binding.ToAadSuffix();
        var aad = new byte[header.Length + suffix.Length];
        header.CopyTo(aad);
        suffix.CopyTo(aad, header.Length);
        return aad;
    }

    private readonly ref struct Layout(Span<byte> blob, int headerLength)
    {
        public Span<byte> Salt { get; } = blob.Slice(headerLength, SaltLength);
        public Span<byte> Nonce { get; } = blob.Slice(headerLength + SaltLength, NonceLength);
        public Span<byte> Tag { get; } = blob.Slice(headerLength + SaltLength + NonceLength, TagLength);
        public Span<byte> Ciphertext { get; } = blob[(headerLength + SaltLength + NonceLength + TagLength)..];
    }

    private readonly ref struct ReadOnlyLayout(ReadOnlySpan<byte> blob, int headerLength)
    {
        public ReadOnlySpan<byte> Salt { get; } = blob.Slice(headerLength, SaltLength);
        public ReadOnlySpan<byte> Nonce { get; } = blob.Slice(headerLength + SaltLength, NonceLength);
        public ReadOnlySpan<byte> Tag { get; } = blob.Slice(headerLength + SaltLength + NonceLength, TagLength);
        public ReadOnlySpan<byte> Ciphertext { get; } = blob[(headerLength + SaltLength + NonceLength + TagLength)..];
    }
}
