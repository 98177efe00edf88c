using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;

namespace Vault.Crypto.Kdf;

/// <summary>Fully managed scrypt, for platforms without libcrypto. About twice OpenSSL's cost (bench/RESULTS.md).</summary>
public sealed class BouncyCastleScrypt : IScryptEngine
{
    public string Name => "bouncycastle";

    public void Derive(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ScryptParameters parameters, Span<byte> output)
    {
        if (!parameters.IsValid)
            throw new ArgumentOutOfRangeException(nameof(parameters), "scrypt parameters are outside the supported bounds");
        // BouncyCastle takes arrays: copy, and wipe the copies.
        var pass = password.ToArray();
        byte[]? key = null;
        try
        {
            key = SCrypt.Generate(pass, salt.ToArray(), (int)parameters.N, parameters.R, parameters.P, output.Length);
            key.CopyTo(output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pass);
            if (key is not null)
                CryptographicOperations.ZeroMemory(key);
        }
    }
}
