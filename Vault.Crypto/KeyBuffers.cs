using System.Security.Cryptography;

namespace Vault.Crypto;

/// <summary>
/// Where every derived key buffer ends: zeroed, then reported to an optional observer so a test can check that
/// each buffer really is all zeros when released (the buffers are stack or local memory no test can reach).
/// </summary>
internal static class KeyBuffers
{
    /// <summary>Test-only observer; null in production, so releasing costs a zeroing and a null check.</summary>
    internal static Action<ReadOnlySpan<byte>>? Released { get; set; }

    public static void Release(Span<byte> key)
    {
        CryptographicOperations.ZeroMemory(key);
        Released?.Invoke(key);
    }
}
