using Microsoft.Extensions.DependencyInjection.Extensions;
using Vault.Api.Configuration;
using Vault.Storage;

namespace Vault.Api.ClientSecrets;

public static class ClientSecretServices
{
    /// <summary>The application's LWA client secrets: overlap always, automatic rotation when SPAPI_ROTATION_QUEUE_URL is set.</summary>
    public static IServiceCollection AddClientSecrets(this IServiceCollection services, VaultOptions options)
    {
        services.AddSingleton<LwaClientSecrets>();
        if (!options.RotatesClientSecret)
            return services;
        // TryAdd: tests put their own SQS client, rotator, store or timings first. The lead wires SpApiClientSecretRotator here at merge.
        services.TryAddSingleton<IClientSecretRotator, UnwiredClientSecretRotator>();
        services.TryAddSingleton(_ => SqsClients.ForQueue(options.RotationQueueUrl!));
        services.TryAddSingleton(provider => (IAppClientSecretStore)provider.GetRequiredService<IVaultStore>());
        services.TryAddSingleton(new ClientSecretTimings());
        services.AddSingleton<StoredClientSecrets>();
        services.AddHostedService<ClientSecretPoller>();
        services.AddHostedService<RotationQueueConsumer>();
        return services;
    }
}
