using Microsoft.Playwright;

namespace Vault.Tests.Browser;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright (its bundled node driver; no browser download),
/// with a fresh profile directory that is deleted when the browser is disposed. The flags keep it
/// off the network it would otherwise try (Google's hosts) and let it run as root in CI.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Every Playwright wait (navigation, click, URL) gives up after this long.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowserContext context, string profileDirectory)
    {
        _playwright = playwright;
        Context = context;
        ProfileDirectory = profileDirectory;
    }

    /// <summary>The browser's one context (a persistent one, so that the profile directory is ours to make and delete).</summary>
    public IBrowserContext Context { get; }

    public string ProfileDirectory { get; }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"{ExecutablePath} is missing. The browser tests need Debian's chromium package: run test.sh (it installs it) or apt-get install -y chromium.");
        }

        var profile = Directory.CreateTempSubdirectory("vault-chromium-").FullName;
        IPlaywright? playwright = null;
        try
        {
            playwright = await Playwright.CreateAsync().WaitAsync(Timeout);
            var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new()
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = Flags,
                Timeout = (float)Timeout.TotalMilliseconds,
            });
            context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
            context.SetDefaultNavigationTimeout((float)Timeout.TotalMilliseconds);
            return new HeadlessChromium(playwright, context, profile);
        }
        catch
        {
            playwright?.Dispose();
            DeleteProfile(profile);
            throw;
        }
    }

    /// <summary>A new tab with no cookies in the jar, for a test that does not share what an earlier one left.</summary>
    public async Task<IPage> FreshPageAsync()
    {
        // The new page first: a browser whose last page closes may quit.
        var page = await Context.NewPageAsync();
        foreach (var old in Context.Pages.Where(p => p != page).ToList())
            await old.CloseAsync();
        await Context.ClearCookiesAsync();
        return page;
    }

    /// <summary>Where a page is and what it says, for failure messages.</summary>
    public static async Task<string> DescribeAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        string text;
        try
        {
            text = await page.InnerTextAsync("body", new() { Timeout = 2_000 });
        }
        catch (PlaywrightException e)
        {
            text = "(no body: " + e.Message.Split('\n')[0] + ")";
        }

        return $"the browser is at {page.Url} showing: {text.Trim()}";
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // Closing a persistent context ends the Chromium process and waits for it.
            await Context.CloseAsync().WaitAsync(Timeout);
        }
        finally
        {
            // Disposing Playwright stops its node driver, which kills a browser that did not close.
            _playwright.Dispose();
            DeleteProfile(ProfileDirectory);
        }
    }

    private static void DeleteProfile(string directory)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                if (Directory.Exists(directory))
                    Directory.Delete(directory, recursive: true);
                return;
            }
            catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && attempt < 10)
            {
                // A Chromium helper process may still be writing into the profile for a moment.
                Thread.Sleep(100);
            }
        }
    }
}
