namespace Vault.Crypto.Formats;

public enum OpenFailure
{
    None,

    /// <summary>The record is well formed but the secret does not open it (or the ciphertext or its binding was altered: GCM cannot tell those apart).</summary>
    SecretMismatch,

    /// <summary>The record cannot be parsed: truncated, unknown version or KDF, parameters out of bounds, not base64.</summary>
    Corrupt,
}

/// <summary>A decrypted refresh token. Never prints its value.</summary>
public sealed class RefreshToken(string value)
{
    public string Value { get; } = value;

    public override string ToString() => "[redacted]";
}

/// <summary>The one result of opening any blob: a token, or a typed failure. Opening never throws for bad input.</summary>
public readonly record struct OpenResult(RefreshToken? Token, OpenFailure Failure)
{
    public bool Succeeded => Failure == OpenFailure.None;

    public static OpenResult Opened(string token) => new(new RefreshToken(token), OpenFailure.None);

    public static readonly OpenResult Mismatch = new(null, OpenFailure.SecretMismatch);

    public static readonly OpenResult Corrupt = new(null, OpenFailure.Corrupt);
}
