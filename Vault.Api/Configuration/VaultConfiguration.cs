using Microsoft.Extensions.Options;

namespace Vault.Api.Configuration;

/// <summary>
/// Where <see cref="VaultOptions"/> come from: the server, check-config and every other command read the configuration
/// through the same <see cref="VaultOptionsSetup"/> and <see cref="VaultOptionsValidator"/>.
/// </summary>
public static class VaultConfiguration
{
    /// <summary>VaultOptions bound from <paramref name="configuration"/> and validated on start; consumers take <see cref="VaultOptions"/> itself.</summary>
    public static IServiceCollection AddVaultOptions(this IServiceCollection services, IConfiguration configuration)
    {
        var setup = new VaultOptionsSetup(configuration);
        services.AddOptions<VaultOptions>().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<VaultOptions>>(setup);
        services.AddSingleton<IValidateOptions<VaultOptions>>(new VaultOptionsValidator(setup));
        // The monitor's instance is the one ValidateOnStart checks, so the vault binds and validates its options once.
        services.AddSingleton(provider => provider.GetRequiredService<IOptionsMonitor<VaultOptions>>().CurrentValue);
        return services;
    }

    /// <summary>The options and one line per problem, exactly as the server finds them.</summary>
    public static (VaultOptions Options, IReadOnlyList<string> Problems) Read(IConfiguration configuration)
    {
        using var provider = new ServiceCollection().AddVaultOptions(configuration).BuildServiceProvider();
        try
        {
            return (provider.GetRequiredService<VaultOptions>(), []);
        }
        catch (OptionsValidationException e)
        {
            return (Bind(configuration), [.. e.Failures]);
        }
    }

    /// <summary>The options without validation, for a command that needs only some of them (the database, the JWT secret).</summary>
    public static VaultOptions Bind(IConfiguration configuration)
    {
        var options = new VaultOptions();
        new VaultOptionsSetup(configuration).Configure(options);
        return options;
    }
}
