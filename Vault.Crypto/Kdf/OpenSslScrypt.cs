using System.Runtime.InteropServices;

namespace Vault.Crypto.Kdf;

/// <summary>
/// scrypt from OpenSSL's libcrypto (EVP_PBE_scrypt), the same code Node's crypto.scrypt runs:
/// the fastest of the candidates measured (bench/RESULTS.md). libcrypto.so.3 is present wherever
/// .NET's own crypto works on Linux, including the official ASP.NET images.
/// </summary>
public sealed unsafe class OpenSslScrypt : IScryptEngine
{
    private static readonly string[] LibraryNames = ["libcrypto.so.3", "libcrypto.so", "libcrypto.3.dylib", "libcrypto-3-x64.dll"];

    private readonly delegate* unmanaged<byte*, nuint, byte*, nuint, ulong, ulong, ulong, ulong, byte*, nuint, int> _scrypt;

    private OpenSslScrypt(IntPtr function) =>
        _scrypt = (delegate* unmanaged<byte*, nuint, byte*, nuint, ulong, ulong, ulong, ulong, byte*, nuint, int>)function;

    public string Name => "openssl";

    /// <summary>Null when no libcrypto with EVP_PBE_scrypt can be loaded on this platform.</summary>
    public static OpenSslScrypt? TryLoad()
    {
        foreach (var name in LibraryNames)
        {
            if (NativeLibrary.TryLoad(name, out var handle) && NativeLibrary.TryGetExport(handle, "EVP_PBE_scrypt", out var function))
                return new OpenSslScrypt(function);
        }
        return null;
    }

    public void Derive(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ScryptParameters parameters, Span<byte> output)
    {
        if (!parameters.IsValid)
            throw new ArgumentOutOfRangeException(nameof(parameters), "scrypt parameters are outside the supported bounds");
        int ok;
        fixed (byte* pass = password)
        fixed (byte* s = salt)
        fixed (byte* key = output)
        {
            ok = _scrypt(pass, (nuint)password.Length, s, (nuint)salt.Length,
                parameters.N, (ulong)parameters.R, (ulong)parameters.P, parameters.MemoryBytes, key, (nuint)output.Length);
        }
        if (ok != 1)
            throw new InvalidOperationException("OpenSSL EVP_PBE_scrypt failed");
    }
}
