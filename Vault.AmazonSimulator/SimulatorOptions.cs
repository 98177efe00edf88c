using Microsoft.Extensions.Configuration;

namespace Vault.AmazonSimulator;

/// <summary>Which Amazon API an LWA client (security profile) was registered for.</summary>
public enum LwaClientKind
{
    SpApi,
    Ads,
}

/// <summary>A registered LWA client. SP-API apps also carry the app's <c>application_id</c>.</summary>
public sealed record LwaClient(string ClientId, string ClientSecret, LwaClientKind Kind, string? ApplicationId = null);

/// <summary>A token-bucket limit: <paramref name="Rate"/> requests per second, up to <paramref name="Burst"/> at once.</summary>
public sealed record RateLimit(double Rate, int Burst);

public sealed class SimulatorOptions
{
    public const string DefaultSpApiApplicationId = "amzn1.sp.solution.simulator";
    public const string DefaultSpApiClientId = "amzn1.application-oa2-client.simspapi";
    public const string DefaultSpApiClientSecret = "sim-spapi-secret";
    public const string DefaultAdsClientId = "amzn1.application-oa2-client.simads";
    public const string DefaultAdsClientSecret = "sim-ads-secret";

    /// <summary>Registered LWA clients. The defaults suit the demo; they are not real credentials.</summary>
    public IList<LwaClient> Clients { get; } =
    [
        new(DefaultSpApiClientId, DefaultSpApiClientSecret, LwaClientKind.SpApi, DefaultSpApiApplicationId),
        new(DefaultAdsClientId, DefaultAdsClientSecret, LwaClientKind.Ads),
    ];

    /// <summary>
    /// Client secrets accepted instead of a client's one <see cref="LwaClient.ClientSecret"/>, by client id: two during a
    /// rotation's overlap. Tests change them at run time through <c>POST /_sim/client-secrets</c>.
    /// </summary>
    public IDictionary<string, IReadOnlyList<string>> AcceptedClientSecrets { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>
    /// Exact redirect URIs the consent pages accept. Empty means any http(s) URL on a loopback
    /// host (127.0.0.1, localhost, [::1]) is accepted, which is what tests and the demo need.
    /// </summary>
    public IList<string> AllowedRedirectUris { get; } = [];

    /// <summary>
    /// Enforced limits per SP-API operation name (e.g. <c>getOrders</c>). Operations not listed use
    /// <see cref="DefaultRateLimit"/>. The <c>x-amzn-RateLimit-Limit</c> header shows the listed rate,
    /// or Amazon's documented rate when none is listed.
    /// </summary>
    public IDictionary<string, RateLimit> RateLimits { get; } = new Dictionary<string, RateLimit>(StringComparer.Ordinal);

    /// <summary>Generous by default so that tests and demos are not throttled unless they ask for it.</summary>
    public RateLimit DefaultRateLimit { get; set; } = new(100, 1000);

    /// <summary>
    /// Enforce each operation's documented usage plan (its rate and burst in <see cref="SpApi.SpApiOperations"/>) instead of
    /// <see cref="DefaultRateLimit"/>, as Amazon does (<c>SIM_RATE_LIMITS=documented</c>). <see cref="RateLimits"/> still win.
    /// </summary>
    public bool DocumentedRateLimits { get; set; }

    /// <summary>
    /// How long LWA access tokens live and the <c>expires_in</c> LWA answers. Amazon says one hour
    /// (https://developer.amazon.com/docs/login-with-amazon/access-token.html); tests shorten it to see how the vault
    /// copes with a token that is nearly spent when it arrives.
    /// </summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Clock for code, token and rate-limit lifetimes; tests pass a manual one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    public LwaClient? FindClient(string? clientId) =>
        clientId is null ? null : Clients.FirstOrDefault(c => string.Equals(c.ClientId, clientId, StringComparison.Ordinal));

    public LwaClient? FindSpApiApplication(string? applicationId) =>
        applicationId is null
            ? null
            : Clients.FirstOrDefault(c => c.Kind == LwaClientKind.SpApi
                && string.Equals(c.ApplicationId, applicationId, StringComparison.Ordinal));

    /// <summary>
    /// Options from <c>SIM_</c> variables, for running the simulator as a process:
    /// <c>SIM_SPAPI_APP_ID</c>, <c>SIM_SPAPI_CLIENT_ID</c>, <c>SIM_SPAPI_CLIENT_SECRET</c>,
    /// <c>SIM_ADS_CLIENT_ID</c>, <c>SIM_ADS_CLIENT_SECRET</c>, <c>SIM_REDIRECT_URIS</c> (comma-separated),
    /// <c>SIM_RATE_LIMITS=documented</c> (<see cref="DocumentedRateLimits"/>), and
    /// <c>SIM_SPAPI_CLIENT_SECRETS</c>, <c>SIM_ADS_CLIENT_SECRETS</c> (comma-separated: every secret LWA accepts, as during a rotation).
    /// </summary>
    public static SimulatorOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new SimulatorOptions();
        options.Clients.Clear();
        options.Clients.Add(new LwaClient(
            configuration["SIM_SPAPI_CLIENT_ID"] ?? DefaultSpApiClientId,
            configuration["SIM_SPAPI_CLIENT_SECRET"] ?? DefaultSpApiClientSecret,
            LwaClientKind.SpApi,
            configuration["SIM_SPAPI_APP_ID"] ?? DefaultSpApiApplicationId));
        options.Clients.Add(new LwaClient(
            configuration["SIM_ADS_CLIENT_ID"] ?? DefaultAdsClientId,
            configuration["SIM_ADS_CLIENT_SECRET"] ?? DefaultAdsClientSecret,
            LwaClientKind.Ads));

        options.DocumentedRateLimits = string.Equals(configuration["SIM_RATE_LIMITS"], "documented", StringComparison.OrdinalIgnoreCase);
        foreach (var (variable, client) in (ReadOnlySpan<(string, LwaClient)>)[("SIM_SPAPI_CLIENT_SECRETS", options.Clients[0]), ("SIM_ADS_CLIENT_SECRETS", options.Clients[1])])
        {
            if (configuration[variable] is { Length: > 0 } secrets)
            {
                options.AcceptedClientSecrets[client.ClientId] = secrets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
        }

        var redirects = configuration["SIM_REDIRECT_URIS"];
        if (!string.IsNullOrWhiteSpace(redirects))
        {
            foreach (var uri in redirects.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                options.AllowedRedirectUris.Add(uri);
            }
        }

        return options;
    }
}
