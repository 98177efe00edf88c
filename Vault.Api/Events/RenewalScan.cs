using System.Data.Common;
using Vault.Api.Amazon;
using Vault.Api.Background;
using Vault.Storage;

namespace Vault.Api.Events;

/// <summary>
/// Every hour (and at start) writes <c>connection.renewal_due</c> for SP-API authorizations nearing their end
/// (<see cref="SpApiAuthorization"/>): 30, 7 and 1 days before, once per threshold, whichever instance finds it first.
/// Runs with or without WEBHOOK_URL: the events are there for GET /v1/events too.
/// </summary>
public sealed class RenewalScan(IVaultStore store, TimeProvider clock, ILogger<RenewalScan> logger)
    : PeriodicService(TimeSpan.FromHours(1), clock, runsAtStart: true)
{
    protected override Task RunOnceAsync(CancellationToken ct) => ScanAsync(ct);

    protected override bool LoggedAndRetried(Exception failure)
    {
        if (failure is not DbException e)
            return false;
        WebhookDeliveryLog.OutboxFailed(logger, e);
        return true;
    }

    public async Task<int> ScanAsync(CancellationToken ct)
    {
        var count = await store.EmitRenewalsDueAsync(Clock.GetUtcNow(), SpApiAuthorization.Lifetime, SpApiAuthorization.RenewalNoticeDays, ct);
        if (count > 0)
            WebhookDeliveryLog.RenewalsDue(logger, count);
        return count;
    }
}
