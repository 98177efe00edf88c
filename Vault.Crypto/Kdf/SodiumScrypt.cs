using NSec.Cryptography;

namespace Vault.Crypto.Kdf;

/// <summary>
/// scrypt from libsodium (crypto_pwhash_scryptsalsa208sha256_ll, through NSec), whose vectorised Salsa20/8 measured
/// the fastest of the candidates on the reference machine (bench/RESULTS.md, "scrypt"). The native library ships
/// inside the NSec/libsodium packages, so it is present wherever the vault's own files are. NSec takes salts of
/// exactly 32 bytes, which is what every vault record (v1 and databorder) has.
/// </summary>
public sealed class SodiumScrypt : IScryptEngine
{
    public string Name => "libsodium";

    /// <summary>Null when libsodium cannot be loaded on this platform.</summary>
    public static SodiumScrypt? TryLoad()
    {
        try
        {
            _ = PasswordBasedKeyDerivationAlgorithm.Scrypt(new NSec.Cryptography.ScryptParameters { Cost = 1 << 10, BlockSize = 8, Parallelization = 1 });
            return new SodiumScrypt();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or PlatformNotSupportedException or InvalidOperationException)
        {
            return null;
        }
    }

    public const int SaltLength = 32;

    public void Derive(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ScryptParameters parameters, Span<byte> output)
    {
        if (salt.Length != SaltLength)
            throw new ArgumentException($"libsodium's scrypt here takes {SaltLength}-byte salts", nameof(salt));
        if (!parameters.IsValid)
            throw new ArgumentOutOfRangeException(nameof(parameters), "scrypt parameters are outside the supported bounds");
        var algorithm = PasswordBasedKeyDerivationAlgorithm.Scrypt(new NSec.Cryptography.ScryptParameters
        {
            Cost = (long)parameters.N,
            BlockSize = parameters.R,
            Parallelization = parameters.P,
        });
        algorithm.DeriveBytes(password, salt, output);
    }
}
