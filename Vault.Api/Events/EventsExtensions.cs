using Vault.Api.Configuration;

namespace Vault.Api.Events;

/// <summary>The lifecycle events' services: the renewal scan always; delivery only with WEBHOOK_URL and WEBHOOK_SECRET.</summary>
public static class EventsExtensions
{
    public static IServiceCollection AddVaultEvents(this IServiceCollection services)
    {
        services.AddSingleton<EventMetrics>();
        services.AddSingleton<RenewalScan>();
        services.AddHostedService(provider => provider.GetRequiredService<RenewalScan>());

        // Not followed: a redirect could point a signed event anywhere; cookies are never a receiver's business.
        services.AddHttpClient(WebhookSender.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, ConnectTimeout = WebhookSender.Timeout })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(provider => new WebhookSigner(provider.GetRequiredService<VaultOptions>().WebhookSecret!));
        services.AddSingleton(provider => new WebhookSender(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookSender.HttpClientName),
            provider.GetRequiredService<WebhookSigner>(), provider.GetRequiredService<VaultOptions>().WebhookUrl!, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<WebhookDelivery>();
        // The options are read when the host starts its services, not while they are registered (the validator has made
        // sure a URL comes with its secret).
        services.AddSingleton<IHostedService>(provider => provider.GetRequiredService<VaultOptions>() is { WebhookUrl: not null, WebhookSecret: not null }
            ? provider.GetRequiredService<WebhookDelivery>()
            : SwitchedOff.Service); // events stay in the database, readable with GET /v1/events
        return services;
    }
}
