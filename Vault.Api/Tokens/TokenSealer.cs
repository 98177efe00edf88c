using Vault.Api.Configuration;
using Vault.Crypto;
using Vault.Crypto.Formats;

namespace Vault.Api.Tokens;

/// <summary>Encrypts a refresh token as a v1 record under the configured KDF parameters, behind the <see cref="KdfGate"/>.</summary>
public sealed class TokenSealer(KdfGate kdf, VaultOptions options)
{
    /// <summary>The sealed record, or null when the gate is busy.</summary>
    public async Task<byte[]?> SealAsync(string token, SellerSecret secret, TokenBinding binding, CancellationToken ct)
    {
        var (ran, blob) = await kdf.RunAsync(binding.Tenant, () => TokenEnvelope.Seal(token, secret, binding, options.Kdf), ct);
        return ran ? blob : null;
    }
}
