using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vault.Api.Events;

/// <summary>
/// Standard Webhooks signatures (https://www.standardwebhooks.com, "Signature scheme"): HMAC-SHA256 under the base64
/// key after <c>whsec_</c>, over <c>{webhook-id}.{webhook-timestamp}.{body}</c>, sent as <c>v1,{base64}</c>. The key is
/// decoded once and zeroed on dispose; the secret itself is never printed.
/// </summary>
public sealed class WebhookSigner : IDisposable
{
    public const string SecretPrefix = "whsec_";

    // The specification's bounds on the key: at least 24 bytes, at most 64.
    private const int MinKeyBytes = 24, MaxKeyBytes = 64;

    private readonly byte[] _key;

    public WebhookSigner(string secret)
    {
        _key = Decode(secret) ?? throw new ArgumentException("Not a whsec_ secret of 24 to 64 bytes.", nameof(secret));
    }

    public static bool IsValidSecret(string secret)
    {
        var key = Decode(secret);
        if (key is null)
            return false;
        CryptographicOperations.ZeroMemory(key);
        return true;
    }

    public string Sign(string id, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);
        hmac.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{id}.{timestamp}.")));
        hmac.AppendData(body);
        return "v1," + Convert.ToBase64String(hmac.GetHashAndReset());
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);

    public override string ToString() => "[redacted]";

    private static byte[]? Decode(string secret)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
            return null;
        var encoded = secret[SecretPrefix.Length..];
        var key = new byte[encoded.Length];
        if (!Convert.TryFromBase64String(encoded, key, out var length) || length is < MinKeyBytes or > MaxKeyBytes)
        {
            CryptographicOperations.ZeroMemory(key);
            return null;
        }
        var exact = key[..length];
        CryptographicOperations.ZeroMemory(key);
        return exact;
    }
}
