using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Auth;
using Vault.Api.ClientSecrets;
using Vault.Api.Errors;
using Vault.Api.Events;
using Vault.Api.Forwarding;
using Vault.Api.Grantless;
using Vault.Api.Limits;
using Vault.Api.Observability;
using Vault.Api.OpenApi;
using Vault.Api.OAuth;
using Vault.Api.Proxy;
using Vault.Api.Sellers;
using Vault.Api.Tokens;
using Vault.Api.Pacing;
using Vault.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Vault.Api;

/// <summary>Builds the vault's web application; Program.cs and the tests both start it from here.</summary>
public static class VaultApp
{
    /// <summary>Thrown when the configuration has problems; each is one line of <see cref="Problems"/>.</summary>
    public sealed class ConfigurationException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
    {
        public IReadOnlyList<string> Problems { get; } = problems;
    }

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddVaultObservability();
        configure?.Invoke(builder); // after the logging set-up, so tests can add their own log providers
        // docs/API.md: the vault listens on 8080 on every interface unless ASPNETCORE_URLS (or --urls) says otherwise.
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            builder.WebHost.UseUrls(VaultOptions.DefaultListenUrl);
        // A bare LF as a line terminator (RFC 9112 §2.2 lets a server accept it; Kestrel does by default) is refused with
        // 400: a proxy in front that does not split lines there would frame the request differently (request smuggling).
        AppContext.SetSwitch("Microsoft.AspNetCore.Server.Kestrel.DisableHttp1LineFeedTerminators", true);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestBodySize = BodyLimits.ProxyBodyBytes;
        });
        var services = builder.Services;
        services.AddVaultOptions(builder.Configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IVaultStore>(sp =>
        {
            var options = sp.GetRequiredService<VaultOptions>();
            return VaultStoreFactory.Create(options.Database, options.DatabaseOwner, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton(provider => KdfGate.ForThisMachine(provider.GetRequiredService<VaultMetrics>()));
        services.AddSingleton<SecretGuessLimiter>();
        services.AddSingleton<TokenSealer>();
        services.AddSingleton<AccessTokenCache>();
        services.AddSingleton<ConnectionTokens>();
        services.AddSingleton<OAuthSealers>();
        services.AddSingleton<PendingAuthorizations>();
        services.AddHostedService<OneTimePurge>();
        services.AddSingleton<ConsentUrl>();
        services.AddScoped<OAuthConnector>();
        services.AddAmazonClients();
        services.AddClientSecrets();
        services.AddHttpForwarder();
        AmazonInvoker.AddAmazonInvoker(services);
        services.AddSingleton<AmazonForwarding>();
        services.AddSingleton<GrantlessTokens>();
        services.AddAmazonPacing();
        services.AddSingleton<RestrictedDataTokenClient>();
        services.AddHttpClient(RestrictedDataTokenClient.ClientName).AddStandardResilienceHandler();
        services.AddVaultProblemDetails();
        services.AddVaultAuthentication();
        services.AddVaultRateLimits();
        services.AddVaultForwardedHeaders();
        services.AddVaultOpenApi();
        services.AddVaultEvents();

        var app = builder.Build();
        RefuseBadConfiguration(app);
        app.UseVaultForwardedHeaders();
        app.UseRequestIds();
        app.UseVaultErrors();
        app.UseServedMethodsOnly();
        app.UseBodyLimits();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapHealth();
        app.MapVaultMetrics();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapOAuth();
        app.MapProxy();
        app.MapGrantless();
        app.MapGroup("/v1/sellers").RequireRateLimiting(RateLimitExtensions.TenantWritesPolicy).WithLeadIns().MapAuthorizations().MapSellers().MapConnectionImport().MapConnections().MapSecretRotation();
        app.MapAudit();
        app.MapEvents();
        // Chosen once, at start: the engine is a property of the machine, worth one line in the log.
        VaultAppLog.ScryptEngine(app.Logger, Vault.Crypto.Kdf.Scrypt.Default.Name);
        return app;
    }

    /// <summary>
    /// Binds and validates the options now rather than on start, so a bad configuration builds no vault: the container's
    /// one instance, which every registration above reads when it is first needed.
    /// </summary>
    private static void RefuseBadConfiguration(WebApplication app)
    {
        try
        {
            _ = app.Services.GetRequiredService<VaultOptions>();
        }
        catch (OptionsValidationException e)
        {
            ((IDisposable)app).Dispose();
            throw new ConfigurationException([.. e.Failures]);
        }
    }

    /// <summary>Applies migrations before the first request, so a started vault is a ready vault.</summary>
    public static async Task MigrateAsync(this WebApplication app)
    {
        foreach (var warning in await app.Services.GetRequiredService<IVaultStore>().MigrateAsync())
            VaultAppLog.DatabaseWarning(app.Logger, warning);
    }
}
