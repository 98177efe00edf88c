using Vault.Crypto.Kdf;

namespace Vault.Crypto.Formats;

/// <summary>The stored formats by name, as they appear in the connections table and the API.</summary>
public static class TokenFormats
{
    public const string V1 = "v1";
    public const string DataBorder = "databorder";
}

/// <summary>Seals and opens a stored token whatever its format: the one entry point the vault uses.</summary>
public static class TokenEnvelope
{
    public static OpenResult Open(string format, ReadOnlySpan<byte> blob, SellerSecret secret, TokenBinding binding) => format switch
    {
        TokenFormats.V1 => V1Envelope.Open(blob, secret, binding),
        TokenFormats.DataBorder => DataBorderEnvelope.Open(blob, secret),
        _ => OpenResult.Corrupt,
    };

    public static byte[] Seal(string token, SellerSecret secret, TokenBinding binding, KdfParameters parameters) =>
        V1Envelope.Seal(token, secret, binding, parameters);

    /// <summary>
    /// True when the record should be re-encrypted under <paramref name="configured"/>: its KDF is weaker,
    /// or it is a Data Border record, which has no AAD binding to its row.
    /// </summary>
    public static bool NeedsUpgrade(string format, ReadOnlySpan<byte> blob, KdfParameters configured)
    {
        if (format != TokenFormats.V1)
            return true;
        return V1Envelope.TryReadParameters(blob, out var parameters, out _) && parameters!.IsWeakerThan(configured);
    }
}
