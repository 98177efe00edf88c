using System.Diagnostics;
using System.Text.RegularExpressions;
using Vault.Tests.Support;

namespace Vault.Tests.Deploy;

/// <summary>docs/API.md: `dotnet Vault.Api.dll` with no ASPNETCORE_URLS serves on http://0.0.0.0:8080, the port fly.toml routes to.</summary>
[Trait("Category", "Slow")] // starts the vault as a process
public sealed partial class DefaultAddressTests
{
    [Fact]
    public async Task WithoutAspNetCoreUrlsTheVaultListensOnPort8080OnAllInterfaces()
    {
        var directory = DeployTools.NewTempDirectory();
        try
        {
            var environment = ContainerRun.VaultEnvironment(Path.Combine(directory, "vault.db"), "unused", port: 0);
            environment.Remove("ASPNETCORE_URLS");
            using var process = Process.Start(DeployProcess.StartInfo("dotnet", [DeployTools.VaultDll], environment))!;
            var output = new ProcessOutput();
            output.Attach(process);
            try
            {
                // Either it listens, or (port taken on this machine) it names the address it failed to bind: both say where it defaults to.
                var deadline = Stopwatch.StartNew();
                Match? address = null;
                while (address is null && deadline.Elapsed < TimeSpan.FromSeconds(30))
                {
                    address = output.Lines.Select(l => Address().Match(l.Text)).FirstOrDefault(m => m.Success);
                    if (address is null)
                        await Task.Delay(100);
                }
                Assert.True(address is not null, $"the vault never said where it listens:\n{output.Tail()}");
                var url = new Uri(address.Groups["url"].Value.Replace("0.0.0.0", "anyhost", StringComparison.Ordinal));
                Assert.Equal(8080, url.Port);
                Assert.True(address.Groups["url"].Value.Contains("0.0.0.0", StringComparison.Ordinal) || url.Host is "[::]" or "+" or "*",
                    $"{address.Groups["url"].Value} is not every interface: Fly's proxy could not reach it");
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            DeployTools.DeleteQuietly(directory);
        }
    }

    [GeneratedRegex(@"(?:Now listening on: |Failed to bind to address )(?<url>https?://(?:\[[^\]]+\]|[^\s/:""',\[]+)(?::[0-9]+)?)")]
    private static partial Regex Address();
}
