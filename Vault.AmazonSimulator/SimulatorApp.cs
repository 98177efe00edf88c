using Vault.AmazonSimulator.Ads;
using Vault.AmazonSimulator.Consent;
using Vault.AmazonSimulator.Controls;
using Vault.AmazonSimulator.Grantless;
using Vault.AmazonSimulator.Lwa;
using Vault.AmazonSimulator.Routing;
using Vault.AmazonSimulator.Sandbox;
using Vault.AmazonSimulator.SpApi;

namespace Vault.AmazonSimulator;

/// <summary>
/// A local stand-in for Login with Amazon, Seller Central consent, SP-API and the Ads API. Every
/// Amazon URL <c>https://{host}/{path}</c> is served at <c>/{host}/{path}</c>; test controls live
/// under <c>/_sim</c>.
/// </summary>
public static class SimulatorApp
{
    /// <summary>Builds the app; the caller chooses its URLs and starts it.</summary>
    public static WebApplication Build(string[] args, SimulatorOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        options ??= SimulatorOptions.FromConfiguration(builder.Configuration);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<SimulatorState>();
        builder.Services.Configure<RouteOptions>(o => o.SetParameterPolicy<AmazonHostConstraint>(AmazonHostConstraint.Name));

        var app = builder.Build();
        app.UseMiddleware<CallRecording>();
        app.UseMiddleware<FaultMiddleware>();

        app.MapControls();
        app.MapLwaToken();
        app.MapSellerCentralConsent();
        app.MapLwaAuthorization();
        app.MapSpApi();
        app.MapGrantlessSpApi();
        app.MapStaticSandbox();
        app.MapApplicationControls();
        app.MapAds();
        app.MapAmazonNotFound();
        return app;
    }
}
