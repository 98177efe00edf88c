using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;

namespace Vault.Crypto.Kdf;

/// <summary>
/// Argon2id v1.3 from BouncyCastle. libsodium is faster but only takes 16-byte salts and
/// parallelism 1, and the v1 format has 32-byte salts and a parallelism field (README, "Key derivation").
/// </summary>
public static class Argon2id
{
    public static void Derive(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, Argon2idParameters parameters, Span<byte> output) =>
        Derive(password, salt, parameters, output, secret: default, associatedData: default);

    /// <summary>With the optional secret and associated data of RFC 9106, for its test vector.</summary>
    public static void Derive(
        ReadOnlySpan<byte> password,
        ReadOnlySpan<byte> salt,
        Argon2idParameters parameters,
        Span<byte> output,
        ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> associatedData)
    {
        if (!parameters.IsValid)
            throw new ArgumentOutOfRangeException(nameof(parameters), "Argon2id parameters are outside the supported bounds");
        var builder = new Argon2Parameters.Builder(Argon2Parameters.Argon2id)
            .WithVersion(Argon2Parameters.Version13)
            .WithSalt(salt.ToArray())
            .WithMemoryAsKB(parameters.MemoryKiB)
            .WithIterations(parameters.Iterations)
            .WithParallelism(parameters.Parallelism);
        if (!secret.IsEmpty)
            builder.WithSecret(secret.ToArray());
        if (!associatedData.IsEmpty)
            builder.WithAdditional(associatedData.ToArray());

        var generator = new Argon2BytesGenerator();
        generator.Init(builder.Build());
        var pass = password.ToArray();
        var key = new byte[output.Length];
        try
        {
            generator.GenerateBytes(pass, key);
            key.CopyTo(output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pass);
            CryptographicOperations.ZeroMemory(key);
        }
    }
}
