using System.Data.Common;
using Vault.Api.Background;
using Vault.Storage;

namespace Vault.Api.OAuth;

/// <summary>
/// Deletes expired tickets and states every minute, so a pending authorization nobody came back for (and the seller
/// secret sealed in it) leaves the database within a minute of expiring, whether or not anyone calls the vault again.
/// </summary>
public sealed class OneTimePurge(IVaultStore store, TimeProvider clock, ILogger<OneTimePurge> logger) : PeriodicService(TimeSpan.FromMinutes(1), clock)
{
    protected override Task RunOnceAsync(CancellationToken ct) => store.PurgeExpiredOneTimeAsync(Clock.GetUtcNow(), ct);

    protected override bool LoggedAndRetried(Exception failure)
    {
        // A database that stays down shows in /readyz as well.
        if (failure is not DbException e)
            return false;
        OneTimePurgeLog.PurgeFailed(logger, e);
        return true;
    }
}
