using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Vault.Crypto;

/// <summary>
/// The per-seller secret from the <c>x-amazon-token-secret</c> header, validated once
/// (docs/FORMAT.md "The seller secret"). The KDF gets the UTF-8 of the header text, not the decoded
/// bytes, because that is what Data Border does and it keeps blobs portable between the two.
/// Owns its bytes and zeroes them on dispose; never prints itself.
/// </summary>
public sealed class SellerSecret : IDisposable
{
    public const int MaxLength = 64;
    public const int MinDecodedBytes = 32;

    private readonly byte[] _utf8;
    private bool _disposed;

    private SellerSecret(byte[] utf8) => _utf8 = utf8;

    /// <summary>The bytes the KDF receives.</summary>
    public ReadOnlySpan<byte> Utf8
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _utf8;
        }
    }

    /// <summary>Validates without deriving anything; <paramref name="error"/> names the broken rule, never the value.</summary>
    public static bool TryParse(string? headerValue, out SellerSecret? secret, out string error)
    {
        secret = null;
        error = Validate(headerValue);
        if (error.Length > 0)
            return false;
        secret = new SellerSecret(Encoding.UTF8.GetBytes(headerValue!));
        return true;
    }

    public static SellerSecret Parse(string headerValue) =>
        TryParse(headerValue, out var secret, out var error) ? secret! : throw new FormatException(error);

    /// <summary>A fresh secret as the README tells WMS developers to make one (32 random bytes, base64).</summary>
    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinDecodedBytes));

    private static string Validate(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "the secret is missing";
        if (value.Length > MaxLength)
            return $"the secret is longer than {MaxLength} characters";
        // Standard alphabet only (RFC 4648 §4): base64url or whitespace would decode differently elsewhere.
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '='))
                return "the secret is not standard base64";
        }
        if (!Base64.IsValid(value, out var decodedLength))
            return "the secret is not standard base64";
        if (decodedLength < MinDecodedBytes)
            return $"the secret decodes to fewer than {MinDecodedBytes} bytes";
        return string.Empty;
    }

    /// <summary>Constant-time equality of the secret bytes.</summary>
    public bool FixedTimeEquals(SellerSecret other) => CryptographicOperations.FixedTimeEquals(Utf8, other.Utf8);

    public override string ToString() => "[redacted]";

    public void Dispose()
    {
        if (_disposed)
            return;
        CryptographicOperations.ZeroMemory(_utf8);
        _disposed = true;
    }
}
