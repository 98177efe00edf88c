using System.Data.Common;
using Vault.Api.Amazon;
using Vault.Storage;

namespace Vault.Api.Events;

/// <summary>
/// Every hour (and at start) writes <c>connection.renewal_due</c> for SP-API authorizations nearing their end
/// (<see cref="SpApiAuthorization"/>): 30, 7 and 1 days before, once per threshold, whichever instance finds it first.
/// Runs with or without WEBHOOK_URL: the events are there for GET /v1/events too.
/// </summary>
public sealed class RenewalScan(IVaultStore store, TimeProvider clock, ILogger<RenewalScan> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            do
            {
                try
                {
                    await ScanAsync(stoppingToken);
                }
                catch (DbException e)
                {
                    WebhookDeliveryLog.OutboxFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }
    }

    public async Task<int> ScanAsync(CancellationToken ct)
    {
        var count = await store.EmitRenewalsDueAsync(clock.GetUtcNow(), SpApiAuthorization.Lifetime, SpApiAuthorization.RenewalNoticeDays, ct);
        if (count > 0)
            WebhookDeliveryLog.RenewalsDue(logger, count);
        return count;
    }
}
