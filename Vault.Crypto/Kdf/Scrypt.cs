namespace Vault.Crypto.Kdf;

/// <summary>
/// Picks the scrypt engine once per process, fastest first by measurement (bench/RESULTS.md): libsodium, then
/// OpenSSL's libcrypto, each only when it loads and passes a known-answer test, else BouncyCastle (managed).
/// </summary>
public static class Scrypt
{
    private static readonly Lazy<IScryptEngine> Selected = new(Select);

    public static IScryptEngine Default => Selected.Value;

    private static IScryptEngine Select()
    {
        IScryptEngine?[] candidates = [SodiumScrypt.TryLoad(), OpenSslScrypt.TryLoad()];
        return candidates.FirstOrDefault(engine => engine is not null && PassesKnownAnswer(engine)) ?? new BouncyCastleScrypt();
    }

    /// <summary>
    /// A known answer with the vault's 32-byte salts (computed by Node's crypto.scrypt; Vault.Tests/Crypto/Vectors),
    /// truncated: guards against a native library that loads but misbehaves.
    /// </summary>
    internal static bool PassesKnownAnswer(IScryptEngine engine)
    {
        Span<byte> output = stackalloc byte[32];
        Span<byte> salt = stackalloc byte[32];
        salt.Clear();
        "NaClNaClNaClNaClNaClNaClNaClNaCl"u8.CopyTo(salt);
        try
        {
            engine.Derive("password"u8, salt, new ScryptParameters(10, 8, 16), output);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
        return Convert.ToHexStringLower(output) == "137ab333008cdc5616ea8232a3fb6e8632f1061d6616831a364448e8266ebd7a";
    }
}
