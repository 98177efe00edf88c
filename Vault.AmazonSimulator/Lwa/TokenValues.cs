using System.Security.Cryptography;

namespace Vault.AmazonSimulator.Lwa;

/// <summary>
/// Random values shaped like Amazon's. Amazon's access tokens start with <c>Atza|</c> and are 350+
/// characters, refresh tokens start with <c>Atzr|</c>:
/// https://developer.amazon.com/docs/login-with-amazon/access-token.html
/// They are random per run so that no token literal ever sits in the repository.
/// </summary>
public static class TokenValues
{
    public const string AccessTokenPrefix = "Atza|";
    public const string RefreshTokenPrefix = "Atzr|";
    public const string RestrictedDataTokenPrefix = "Atz.sprdt|";

    // 264 random bytes encode to 352 url-safe characters, the length Amazon documents as typical.
    private const int TokenBytes = 264;
    private const string UpperAlphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string NewAccessToken() => AccessTokenPrefix + RandomUrlSafe(TokenBytes);

    public static string NewRefreshToken() => RefreshTokenPrefix + RandomUrlSafe(TokenBytes);

    public static string NewRestrictedDataToken() => RestrictedDataTokenPrefix + RandomUrlSafe(TokenBytes);

    /// <summary>Authorization codes look like <c>ANdNAVhyhqirUelHGEHA</c> in Amazon's examples.</summary>
    public static string NewAuthorizationCode() => "AN" + RandomNumberGenerator.GetString(Letters, 18);

    /// <summary>Merchant tokens are <c>A</c> followed by 13 upper-case letters and digits.</summary>
    public static string NewSellingPartnerId() => "A" + RandomNumberGenerator.GetString(UpperAlphanumeric, 13);

    public static string NewRequestId() => Guid.NewGuid().ToString();

    private static string RandomUrlSafe(int byteCount)
    {
        Span<byte> bytes = stackalloc byte[byteCount];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
