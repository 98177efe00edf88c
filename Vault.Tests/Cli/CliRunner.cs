using System.Diagnostics;

namespace Vault.Tests.Cli;

/// <summary>Runs the vault executable as a real process with exactly the environment given (nothing inherited that matters).</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static readonly string[] VaultVariables =
    [
        "VAULT_DATABASE", "VAULT_DATABASE_OWNER", "PUBLIC_BASE_URL", "COOKIE_ENCRYPTION_KEY", "JWT_SECRET", "JWKS_ENDPOINT", "JWT_ISSUER", "JWT_AUDIENCE",
        "JWT_TENANT_CLAIM", "SPAPI_APP_ID", "SPAPI_LWA_CLIENT_ID", "SPAPI_LWA_CLIENT_SECRET", "SPAPI_DRAFT_APP", "ADS_LWA_CLIENT_ID",
        "ADS_LWA_CLIENT_SECRET", "ALLOWED_REDIRECT_ORIGINS", "AMAZON_ENDPOINT_OVERRIDE", "ASPNETCORE_URLS",
        "SPAPI_LWA_CLIENT_SECRET_PREVIOUS", "ADS_LWA_CLIENT_SECRET_PREVIOUS", "SPAPI_ROTATION_QUEUE_URL", "VAULT_APP_SECRET_KEY", "SPAPI_ROTATE_BEFORE_DAYS",
    ];

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Vault.Api.dll"));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var name in VaultVariables)
            info.Environment.Remove(name);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
