using Microsoft.Extensions.Options;
using Vault.Api.Configuration;

namespace Vault.Api.Events;

/// <summary>The lifecycle events' services: the renewal scan always; delivery only with WEBHOOK_URL and WEBHOOK_SECRET.</summary>
public static class EventsExtensions
{
    public static IServiceCollection AddVaultEvents(this IServiceCollection services, VaultOptions options)
    {
        services.AddSingleton<EventMetrics>();
        services.AddSingleton<RenewalScan>();
        services.AddHostedService(provider => provider.GetRequiredService<RenewalScan>());
        if (options.WebhookUrl is not { } url || options.WebhookSecret is not { } secret)
            return services;

        // Not followed: a redirect could point a signed event anywhere; cookies are never a receiver's business.
        services.AddHttpClient(WebhookSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = WebhookSender.Timeout })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(_ => new WebhookSigner(secret));
        services.AddSingleton(provider => new WebhookSender(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookSender.HttpClientName),
            provider.GetRequiredService<WebhookSigner>(), url, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<WebhookDelivery>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDelivery>());
        return services;
    }
}
