using Microsoft.Extensions.DependencyInjection.Extensions;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Grantless;
using Vault.Storage;

namespace Vault.Api.ClientSecrets;

public static class ClientSecretServices
{
    private const string RotationClient = "amazon-client-secret-rotation";

    /// <summary>
    /// The application's LWA client secrets: overlap always; automatic rotation when SPAPI_ROTATION_QUEUE_URL is set, decided
    /// from the options when the host starts its services. The CLI's app-secret commands use the same registrations.
    /// </summary>
    public static IServiceCollection AddClientSecrets(this IServiceCollection services)
    {
        services.AddSingleton<LwaClientSecrets>();
        // TryAdd: tests put their own SQS client, rotator, store or timings first.
        services.TryAddSingleton<GrantlessTokens>();
        services.AddHttpClient(RotationClient).RemoveAllLoggers();
        services.TryAddSingleton<IClientSecretRotator>(provider => new SpApiClientSecretRotator(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(RotationClient),
            provider.GetRequiredService<AmazonEndpoints>(),
            async ct => (await provider.GetRequiredService<GrantlessTokens>().GetAsync(Region.NorthAmerica, SpApiClientSecretRotator.Scope, ct)).AccessToken,
            provider.GetRequiredService<ILogger<SpApiClientSecretRotator>>()));
        services.TryAddSingleton(provider => SqsClients.ForQueue(provider.GetRequiredService<VaultOptions>().RotationQueueUrl!));
        services.TryAddSingleton(provider => (IAppClientSecretStore)provider.GetRequiredService<IVaultStore>());
        services.TryAddSingleton(new ClientSecretTimings());
        services.AddSingleton<StoredClientSecrets>();
        services.AddSingleton<ClientSecretPoller>();
        services.AddSingleton<RotationQueueConsumer>();
        services.AddSingleton<IHostedService>(provider => Rotates(provider) ? provider.GetRequiredService<ClientSecretPoller>() : SwitchedOff.Service);
        services.AddSingleton<IHostedService>(provider => Rotates(provider) ? provider.GetRequiredService<RotationQueueConsumer>() : SwitchedOff.Service);
        return services;
    }

    private static bool Rotates(IServiceProvider provider) => provider.GetRequiredService<VaultOptions>().RotatesClientSecret;
}
