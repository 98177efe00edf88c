namespace Vault.Crypto.Kdf;

/// <summary>One scrypt implementation. <see cref="Derive"/> writes exactly output.Length bytes.</summary>
public interface IScryptEngine
{
    string Name { get; }

    void Derive(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, ScryptParameters parameters, Span<byte> output);
}
