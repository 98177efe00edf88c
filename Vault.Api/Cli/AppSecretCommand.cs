using System.CommandLine;
using System.Globalization;
using Vault.Api.Amazon;
using Vault.Api.ClientSecrets;
using Vault.Api.Configuration;
using Vault.Api.Observability;
using Vault.Crypto;
using Vault.Storage;

namespace Vault.Api.Cli;

/// <summary>
/// <c>app-secret status</c> and <c>app-secret rotate</c>: the application's LWA client secrets, by slot and expiry, never
/// by value. Which secret a running instance presents is its metric vault_lwa_client_secret_in_use; this command reads
/// the configuration and the stored row, as every instance does.
/// </summary>
public static class AppSecretCommand
{
    public static Command Create()
    {
        var status = new Command("status", "Which LWA client secrets are configured and stored, which one the vault presents, and their expiries (never the values).");
        status.SetAction(async (result, ct) => await StatusAsync(result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, ct));
        var rotate = new Command("rotate",
            "Ask Amazon to rotate the SP-API client secret now (rotateApplicationClientSecret); the running vaults take the new secret from SPAPI_ROTATION_QUEUE_URL. At most once a day across instances.");
        rotate.SetAction(async (result, ct) => await RotateAsync(result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, ct));
        return new Command("app-secret", "The application's LWA client secret (rotation).") { status, rotate };
    }

    private static async Task<int> StatusAsync(TextWriter output, TextWriter error, CancellationToken ct)
    {
        var options = VaultCli.Options();
        StoredAppClientSecret? row = null;
        if (options.RotatesClientSecret)
        {
            try
            {
                await using var store = VaultStoreFactory.Create(options.Database, options.DatabaseOwner);
                row = await ((IAppClientSecretStore)store).GetAppClientSecretAsync(AmazonApi.SpApi.Name, ct);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or System.Data.Common.DbException)
            {
                await error.WriteLineAsync($"app-secret status: the database could not be read: {e.GetType().Name}");
                return 1;
            }
        }
        foreach (var line in StatusLines(options, row, DateTimeOffset.UtcNow))
            await output.WriteLineAsync(line);
        return 0;
    }

    public static IEnumerable<string> StatusLines(VaultOptions options, StoredAppClientSecret? row, DateTimeOffset now)
    {
        yield return $"sp-api: SPAPI_LWA_CLIENT_SECRET {Set(options.SpApiClientSecret)}, SPAPI_LWA_CLIENT_SECRET_PREVIOUS {Set(options.SpApiClientSecretPrevious)}";
        yield return $"ads: ADS_LWA_CLIENT_SECRET {Set(options.AdsClientSecret)}, ADS_LWA_CLIENT_SECRET_PREVIOUS {Set(options.AdsClientSecretPrevious)}";
        if (!options.RotatesClientSecret)
        {
            yield return "sp-api: automatic rotation off (SPAPI_ROTATION_QUEUE_URL unset); presents current, and previous once on invalid_client";
            yield break;
        }
        yield return $"sp-api: automatic rotation on, queue {options.RotationQueueUrl!.Host}{options.RotationQueueUrl.AbsolutePath}, rotate {options.RotateBeforeDays} days before expiry";
        if (row?.SealedSecret is null)
            yield return "sp-api: no rotated secret stored; presents current, and previous once on invalid_client";
        else
        {
            using var sealer = new PayloadSealer(options.AppSecretKey!, "lwa-client-secret/" + AmazonApi.SpApi.Name);
            var opens = sealer.Unseal(row.SealedSecret) is { } bytes && Zeroed(bytes);
            yield return opens
                ? $"sp-api: presents rotated (stored version {row.Version}, {Date(row.UpdatedAt)}), then rotated-old until {Date(row.OldSecretExpiresAt)}, then current and previous"
                : $"sp-api: the stored secret (version {row.Version}) does NOT open under VAULT_APP_SECRET_KEY: the vaults present current and previous";
        }
        yield return $"sp-api: secret in use expires {Date(row?.SecretExpiresAt)}"
            + (row?.SecretExpiresAt is { } expires && expires - now <= TimeSpan.FromDays(options.RotateBeforeDays) ? " (rotation due)" : "");
        yield return $"sp-api: last rotation requested {Date(row?.RotationClaimedAt)}";
    }

    private static async Task<int> RotateAsync(TextWriter output, TextWriter error, CancellationToken ct)
    {
        var options = VaultCli.Options();
        if (!options.RotatesClientSecret || options.AppSecretKey is null || options.SpApiClientId is null)
        {
            await error.WriteLineAsync("app-secret rotate: set SPAPI_ROTATION_QUEUE_URL, VAULT_APP_SECRET_KEY and SPAPI_LWA_CLIENT_ID: Amazon publishes the new secret only on the app's queue");
            return 2;
        }
        try
        {
            await using var store = VaultStoreFactory.Create(options.Database, options.DatabaseOwner);
            await using var services = Services(options, store);
            var rotations = services.GetRequiredService<StoredClientSecrets>();
            var before = (await ((IAppClientSecretStore)store).GetAppClientSecretAsync(AmazonApi.SpApi.Name, ct))?.RotationClaimedAt;
            var accepted = await rotations.RequestRotationAsync("app-secret rotate", ct);
            var after = (await ((IAppClientSecretStore)store).GetAppClientSecretAsync(AmazonApi.SpApi.Name, ct))?.RotationClaimedAt;
            if (after == before)
            {
                await error.WriteLineAsync($"app-secret rotate: a rotation was already requested {Date(before)} (at most one a day); its new secret arrives on the queue");
                return 1;
            }
            if (!accepted)
            {
                await error.WriteLineAsync("app-secret rotate: Amazon did not accept the rotation (see the warning above); the next try is possible in a day");
                return 1;
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or System.Data.Common.DbException)
        {
            await error.WriteLineAsync($"app-secret rotate: {e.GetType().Name}");
            return 1;
        }
        await output.WriteLineAsync("app-secret rotate: requested; the running vaults store and use the new secret when Amazon publishes it on the queue");
        return 0;
    }

    /// <summary>The server's own registrations, so the rotator the server uses is the one the command uses.</summary>
    private static ServiceProvider Services(VaultOptions options, IVaultStore store)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddSimpleConsole().AddFilter("System.Net.Http", LogLevel.Warning)
            .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddMetrics();
        services.AddSingleton(options);
        services.AddSingleton<VaultMetrics>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(store);
        services.AddAmazonClients();
        services.AddClientSecrets();
        return services.BuildServiceProvider();
    }

    private static string Set(string? value) => value is null ? "unset" : "set";

    private static string Date(DateTimeOffset? at) => at?.ToString("u", CultureInfo.InvariantCulture) ?? "unknown";

    private static bool Zeroed(byte[] bytes)
    {
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        return true;
    }
}
