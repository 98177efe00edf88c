using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vault.AmazonSimulator;
using Vault.Api.Amazon;
using Vault.Api.Grantless;
using Vault.Tests.Support;

namespace Vault.Tests.Grantless;

public class GrantlessTokensTests
{
    [Fact]
    public async Task ATokenIsMintedAgainOnlyOnceItIsDueForRefresh()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var vault = await VaultHarness.StartAsync(host: builder => builder.Services.AddSingleton<TimeProvider>(clock));
        var tokens = vault.Services.GetRequiredService<GrantlessTokens>();

        var first = await tokens.GetAsync(Region.NorthAmerica, GrantlessOperations.NotificationsScope, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(54));
        var reused = await tokens.GetAsync(Region.NorthAmerica, GrantlessOperations.NotificationsScope, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(2));
        var fresh = await tokens.GetAsync(Region.NorthAmerica, GrantlessOperations.NotificationsScope, CancellationToken.None);

        // The simulator's tokens live an hour, as LWA's: refreshed five minutes before they expire.
        Assert.Equal(first.ExpiresAt - TimeSpan.FromMinutes(5), first.RefreshAt);
        Assert.Equal(first.AccessToken, reused.AccessToken);
        Assert.NotEqual(first.AccessToken, fresh.AccessToken);
        Assert.Equal(2, vault.Simulator.State.Calls.TokenCallsByGrantType["client_credentials"]);
    }

    [Fact]
    public async Task ARefusalIsNotCachedAndInvalidateForgetsTokens()
    {
        await using var vault = await VaultHarness.StartAsync();
        var tokens = vault.Services.GetRequiredService<GrantlessTokens>();
        vault.Simulator.State.Applications.DenyScope(SimulatorOptions.DefaultSpApiClientId, GrantlessOperations.ClientCredentialRotationScope);

        var refused = await tokens.GetAsync(Region.Europe, GrantlessOperations.ClientCredentialRotationScope, CancellationToken.None);
        var refusedAgain = await tokens.GetAsync(Region.Europe, GrantlessOperations.ClientCredentialRotationScope, CancellationToken.None);
        var notifications = await tokens.GetAsync(Region.Europe, GrantlessOperations.NotificationsScope, CancellationToken.None);
        tokens.Invalidate(Region.Europe, GrantlessOperations.NotificationsScope);
        var remint = await tokens.GetAsync(Region.Europe, GrantlessOperations.NotificationsScope, CancellationToken.None);

        Assert.Equal(LwaFailure.ScopeRefused, refused.Failure);
        Assert.Equal("invalid_scope", refused.AmazonCode);
        Assert.Null(refusedAgain.AccessToken);
        Assert.NotEqual(notifications.AccessToken, remint.AccessToken);
        Assert.Equal(4, vault.Simulator.State.Calls.TokenCallsByGrantType["client_credentials"]);
    }

    [Fact]
    public async Task AWaitingCallerCanGiveUpWithoutCancellingTheSharedMint()
    {
        await using var vault = await VaultHarness.StartAsync();
        var tokens = vault.Services.GetRequiredService<GrantlessTokens>();
        vault.Simulator.State.Faults.Add(new Vault.AmazonSimulator.Controls.FaultSpec { Host = "api.amazon.com", DelayMs = 500 });
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        var waiter = tokens.GetAsync(Region.NorthAmerica, GrantlessOperations.NotificationsScope, CancellationToken.None);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tokens.GetAsync(Region.NorthAmerica, GrantlessOperations.NotificationsScope, giveUp.Token));

        Assert.True((await waiter).Succeeded);
        Assert.Equal(1, vault.Simulator.State.Calls.TokenCallsByGrantType["client_credentials"]);
    }
}
