using Vault.Storage;

namespace Vault.Tests.ClientSecrets;

/// <summary>The app-wide client-secret row on SQLite: versions, the expiry, and the rotation claim's window.</summary>
public sealed class AppClientSecretStoreTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vault-appsecret-" + Guid.NewGuid().ToString("N"));
    private IVaultStore _vault = null!;

    private IAppClientSecretStore Store => (IAppClientSecretStore)_vault;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _vault = VaultStoreFactory.Create(Path.Combine(_directory, "vault.db"), null);
        await _vault.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _vault.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task EachStoredSecretBumpsTheVersionAndAnExpiryAloneDoesNot()
    {
        var now = DateTimeOffset.Parse("2026-12-01T10:00:00Z");
        Assert.Null(await Store.GetAppClientSecretAsync("sp-api"));

        await Store.RecordAppClientSecretExpiryAsync("sp-api", now.AddDays(20), now);
        var announced = await Store.GetAppClientSecretAsync("sp-api");
        await Store.SaveAppClientSecretAsync("sp-api", "sealed-1", now.AddDays(180), "sealed-0", now.AddDays(7), now);
        await Store.SaveAppClientSecretAsync("sp-api", "sealed-2", now.AddDays(360), "sealed-1", now.AddDays(187), now);
        var stored = await Store.GetAppClientSecretAsync("sp-api");

        Assert.Equal((0L, now.AddDays(20), (string?)null), (announced!.Version, announced.SecretExpiresAt!.Value, announced.SealedSecret));
        Assert.Equal(2, stored!.Version);
        Assert.Equal(("sealed-2", "sealed-1"), (stored.SealedSecret, stored.SealedOldSecret));
        Assert.Equal(now.AddDays(360), stored.SecretExpiresAt);
        Assert.Equal(now.AddDays(187), stored.OldSecretExpiresAt);
    }

    [Fact]
    public async Task ALateExpiryNoticeAboutAReplacedSecretChangesNothing()
    {
        var now = DateTimeOffset.Parse("2026-12-01T10:00:00Z");
        Assert.True(await Store.RecordAppClientSecretExpiryAsync("sp-api", now.AddDays(10), now));
        await Store.SaveAppClientSecretAsync("sp-api", "sealed-1", now.AddDays(180), "sealed-0", now.AddDays(7), now);

        var late = await Store.RecordAppClientSecretExpiryAsync("sp-api", now.AddDays(10), now.AddMinutes(1));
        var current = await Store.RecordAppClientSecretExpiryAsync("sp-api", now.AddDays(180), now.AddDays(150));

        Assert.False(late);
        Assert.True(current);
        Assert.Equal(now.AddDays(180), (await Store.GetAppClientSecretAsync("sp-api"))!.SecretExpiresAt);
    }

    [Fact]
    public async Task ARotationIsClaimedOncePerWindow()
    {
        var now = DateTimeOffset.Parse("2026-12-01T10:00:00Z");
        var window = TimeSpan.FromDays(1);

        var first = await Store.TryClaimRotationAsync("sp-api", now, now - window);
        var again = await Store.TryClaimRotationAsync("sp-api", now.AddHours(23), now.AddHours(23) - window);
        var nextWindow = await Store.TryClaimRotationAsync("sp-api", now.AddHours(25), now.AddHours(25) - window);

        Assert.Equal((true, false, true), (first, again, nextWindow));
    }
}
