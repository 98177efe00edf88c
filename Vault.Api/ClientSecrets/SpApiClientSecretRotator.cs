using Vault.Api.Amazon;

namespace Vault.Api.ClientSecrets;

/// <summary>
/// The real rotation call. It needs a grantless access token (client_credentials, scope
/// <see cref="Scope"/>), which the grantless token source of issue 16 part 1 mints: at merge it is registered as
/// <c>new SpApiClientSecretRotator(http, endpoints, ct => grantless.GetAsync(Region.NorthAmerica, Scope, ct), logger)</c>.
/// Application-level operations are the same on every regional endpoint, so the North America host is used.
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

/// <summary>Until the grantless token source is wired in (issue 16 part 1), rotation cannot be requested: says so and does nothing.</summary>
public sealed partial class UnwiredClientSecretRotator(ILogger<UnwiredClientSecretRotator> logger) : IClientSecretRotator
{
    public Task<bool> RotateAsync(CancellationToken ct)
    {
        NotWired(logger);
        return Task.FromResult(false);
    }

    [LoggerMessage(EventId = 1612, Level = LogLevel.Warning,
        Message = "A client-secret rotation is due but this build cannot call rotateApplicationClientSecret (grantless calls are not wired): rotate in Solution Provider Portal or with the CLI of a build that can")]
    private static partial void NotWired(ILogger logger);
}
