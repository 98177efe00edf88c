namespace Vault.Crypto.Kdf;

/// <summary>Picks the scrypt engine once per process: OpenSSL when it loads and passes a known-answer test, else managed.</summary>
public static class Scrypt
{
    private static readonly Lazy<IScryptEngine> Selected = new(Select);

    public static IScryptEngine Default => Selected.Value;

    private static IScryptEngine Select()
    {
        var openSsl = OpenSslScrypt.TryLoad();
        return openSsl is not null && PassesKnownAnswer(openSsl) ? openSsl : new BouncyCastleScrypt();
    }

    /// <summary>RFC 7914 §12, second vector, truncated: guards against a libcrypto that loads but misbehaves.</summary>
    internal static bool PassesKnownAnswer(IScryptEngine engine)
    {
        Span<byte> output = stackalloc byte[8];
        try
        {
            engine.Derive("password"u8, "NaCl"u8, new ScryptParameters(10, 8, 16), output);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
        return Convert.ToHexStringLower(output) == "fdbabe1c9d347200";
    }
}
