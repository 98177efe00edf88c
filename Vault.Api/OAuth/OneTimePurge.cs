using System.Data.Common;
using Vault.Storage;

namespace Vault.Api.OAuth;

/// <summary>
/// Deletes expired tickets and states every minute, so a pending authorization nobody came back for (and the seller
/// secret sealed in it) leaves the database within a minute of expiring, whether or not anyone calls the vault again.
/// </summary>
public sealed class OneTimePurge(IVaultStore store, TimeProvider clock, ILogger<OneTimePurge> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await store.PurgeExpiredOneTimeAsync(clock.GetUtcNow(), stoppingToken);
                }
                catch (DbException e)
                {
                    // The next tick tries again; a database that stays down shows in /readyz as well.
                    OneTimePurgeLog.PurgeFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }
}
