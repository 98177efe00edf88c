namespace Vault.Tests.Support;

/// <summary>
/// One vault and simulator for a whole test class (xunit <c>IClassFixture</c>), for tests that only probe it and
/// depend on no fresh state: starting both for every test was most of such a class's CPU. A test that needs its own
/// configuration or an empty store still starts its own <see cref="VaultHarness"/>.
/// </summary>
public sealed class SharedVault : IAsyncLifetime
{
    private VaultHarness? _vault;

    public VaultHarness Vault => _vault ?? throw new InvalidOperationException("the shared vault is not started");

    public async Task InitializeAsync() => _vault = await VaultHarness.StartAsync();

    public async Task DisposeAsync()
    {
        if (_vault is not null)
            await _vault.DisposeAsync();
    }
}
