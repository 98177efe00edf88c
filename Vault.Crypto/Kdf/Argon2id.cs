using System.Security.Cryptography;
using KonsciousArgon2id = Konscious.Security.Cryptography.Argon2id;

namespace Vault.Crypto.Kdf;

/// <summary>
/// Argon2id v1.3 from Konscious.Security.Cryptography. libsodium is faster but only takes 16-byte
/// salts and one lane, and the v1 format has 32-byte salts and a parallelism field; of the libraries
/// that can read v1 records, Konscious measured fastest (BouncyCastle ~1.5x slower; bench/RESULTS.md).
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
        var pass = password.ToArray();
        var knownSecret = secret.IsEmpty ? null : secret.ToArray();
        byte[]? key = null;
        try
        {
            using var argon = new KonsciousArgon2id(pass)
            {
                Salt = salt.ToArray(),
                MemorySize = parameters.MemoryKiB,
                Iterations = parameters.Iterations,
                DegreeOfParallelism = parameters.Parallelism,
                KnownSecret = knownSecret,
                AssociatedData = associatedData.IsEmpty ? null : associatedData.ToArray(),
            };
            key = argon.GetBytes(output.Length);
            key.CopyTo(output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pass);
            if (knownSecret is not null)
                CryptographicOperations.ZeroMemory(knownSecret);
            if (key is not null)
                CryptographicOperations.ZeroMemory(key);
        }
    }
}
