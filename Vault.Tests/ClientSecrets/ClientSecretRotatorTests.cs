using Microsoft.Extensions.DependencyInjection;
using Vault.AmazonSimulator;
using Vault.Api.ClientSecrets;
using Vault.Tests.Support;

namespace Vault.Tests.ClientSecrets;

/// <summary>The vault's own rotateApplicationClientSecret call: a grantless token of the rotation scope, then Amazon's answer.</summary>
public class ClientSecretRotatorTests
{
    [Fact]
    public async Task TheRotatorAsksAmazonWithAGrantlessTokenAndReportsItsAnswer()
    {
        await using var vault = await VaultHarness.StartAsync();
        var rotator = vault.Services.GetRequiredService<IClientSecretRotator>();

        // Amazon refuses an application with no registered rotation queue; then accepts.
        Assert.False(await rotator.RotateAsync(CancellationToken.None));
        vault.Simulator.State.Applications.RegisterRotationQueue(SimulatorOptions.DefaultSpApiClientId, "arn:aws:sqs:us-east-1:111122223333:rotation");
        Assert.True(await rotator.RotateAsync(CancellationToken.None));

        Assert.Single(vault.Simulator.State.Applications.Rotations);
    }

    [Fact]
    public async Task WithoutTheRotationScopeNoCallIsMade()
    {
        await using var vault = await VaultHarness.StartAsync();
        vault.Simulator.State.Applications.RegisterRotationQueue(SimulatorOptions.DefaultSpApiClientId, "arn:aws:sqs:us-east-1:111122223333:rotation");
        vault.Simulator.State.Applications.DenyScope(SimulatorOptions.DefaultSpApiClientId, SpApiClientSecretRotator.Scope);

        Assert.False(await vault.Services.GetRequiredService<IClientSecretRotator>().RotateAsync(CancellationToken.None));
        Assert.Empty(vault.Simulator.State.Applications.Rotations);
    }
}
