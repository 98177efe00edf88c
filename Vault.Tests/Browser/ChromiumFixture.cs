namespace Vault.Tests.Browser;

/// <summary>One headless Chromium for a test class (launching it through Playwright takes seconds); each test takes a fresh page.</summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private HeadlessChromium? _chromium;

    public HeadlessChromium Chromium => _chromium ?? throw new InvalidOperationException("Chromium was not launched");

    public async Task InitializeAsync() => _chromium = await HeadlessChromium.LaunchAsync();

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
            await _chromium.DisposeAsync();
    }
}
