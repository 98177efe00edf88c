namespace Vault.Api.Tokens;

/// <summary>A decrypted refresh token and the blob it is now stored under (a new one when the record was upgraded), or why not.</summary>
public readonly record struct OpenedToken(Crypto.Formats.RefreshToken? Token, TokenFailure Failure, byte[]? Blob = null);
