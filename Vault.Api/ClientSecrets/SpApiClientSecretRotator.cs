using Vault.Api.Amazon;

namespace Vault.Api.ClientSecrets;

/// <summary>
/// rotateApplicationClientSecret, with a grantless access token (client_credentials, scope <see cref="Scope"/>) from
/// Grantless/GrantlessTokens (ClientSecretServices wires it). Application-level operations are the same on every regional
/// endpoint, so the North America host is used.
/// </summary>
public sealed partial class SpApiClientSecretRotator(
    HttpClient http, AmazonEndpoints endpoints, Func<CancellationToken, Task<string?>> grantlessAccessToken, ILogger<SpApiClientSecretRotator> logger) : IClientSecretRotator
{
    public const string Scope = "sellingpartnerapi::client_credential:rotation";
    public const string Path = "applications/2023-11-30/clientSecret";

    public async Task<bool> RotateAsync(CancellationToken ct)
    {
        var token = await grantlessAccessToken(ct);
        if (token is null)
        {
            NoGrantlessToken(logger);
            return false;
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoints.Url(Region.NorthAmerica.SpApiHost, Path));
        request.Headers.TryAddWithoutValidation("x-amz-access-token", token);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.IsSuccessStatusCode)
                return true;
            Refused(logger, (int)response.StatusCode);
        }
        catch (HttpRequestException)
        {
            Refused(logger, 0);
        }
        return false;
    }

    [LoggerMessage(EventId = 1610, Level = LogLevel.Warning, Message = "rotateApplicationClientSecret: no grantless access token could be had")]
    private static partial void NoGrantlessToken(ILogger logger);

    [LoggerMessage(EventId = 1611, Level = LogLevel.Warning, Message = "rotateApplicationClientSecret answered {Status} (0: unreachable): the secret was not rotated")]
    private static partial void Refused(ILogger logger, int status);
}
