using System.Net;
using Vault.Tests.Support;

namespace Vault.Tests.Deploy;

/// <summary>What Fly's checks will see: every path fly.toml checks answers 200 on a running vault.</summary>
[Trait("Category", "Slow")] // reads fly.toml with python3
public sealed class HealthCheckTests
{
    [Fact]
    public async Task EveryPathFlyChecksAnswers200OnARunningVault()
    {
        var paths = await DeployConfigurationTests.FlyCheckPathsAsync();
        await using var vault = await VaultHarness.StartAsync();

        Assert.NotEmpty(paths);
        foreach (var path in paths)
        {
            using var response = await vault.Http.GetAsync(new Uri(path.TrimStart('/'), UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
    }
}
