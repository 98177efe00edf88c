namespace Vault.Crypto.Kdf;

/// <summary>Derives a 32-byte key for any supported parameter set.</summary>
public static class KeyDerivation
{
    public static void Derive(KdfParameters parameters, ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Span<byte> key)
    {
        switch (parameters)
        {
            case ScryptParameters s:
                Scrypt.Default.Derive(password, salt, s, key);
                break;
            case Argon2idParameters a:
                Argon2id.Derive(password, salt, a, key);
                break;
            default:
                throw new ArgumentException($"unknown KDF {parameters.GetType().Name}", nameof(parameters));
        }
    }
}
