using System.Net.Http.Headers;
using System.Text;
using Vault.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.Auth;

/// <summary>
/// Probes the vault with one endpoint that needs connections:write, a valid body and a valid secret,
/// so that only the caller's credentials decide the answer.
/// </summary>
public static class JwtProbe
{
    public const string Path = "/v1/sellers/s1/authorizations";

    public static async Task<HttpResponseMessage> SendAsync(VaultHarness vault, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path)
        {
            Content = new StringContent(
                $$"""{"api":"sp-api","region":"na","redirectUrl":"{{VaultHarness.WmsOrigin}}/done"}""", Encoding.UTF8, "application/json"),
        };
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        request.Headers.Add("x-amazon-token-secret", SellerSecret.Generate());
        return await vault.Http.SendAsync(request);
    }

    public static Task<HttpResponseMessage> BearerAsync(VaultHarness vault, string token) =>
        SendAsync(vault, new AuthenticationHeaderValue("Bearer", token).ToString());
}
