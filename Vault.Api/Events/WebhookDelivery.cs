using System.Data.Common;
using Vault.Api.Background;
using Vault.Storage;

namespace Vault.Api.Events;

/// <summary>
/// Delivers the outbox: every second (at once again after a full batch) it claims due events, at most one per seller
/// (so a seller's events arrive in order), leased to this instance so no other instance sends them meanwhile, and sends
/// them. A 2xx acknowledges; 410 stops delivery to this URL until the vault restarts (the events stay pending, and
/// readable with GET /v1/events); anything else retries on <see cref="RetrySchedule"/>. At least once: an instance that
/// dies mid-delivery leaves its lease to run out, and the event is sent again.
/// </summary>
public sealed class WebhookDelivery(IVaultStore store, WebhookSender sender, TimeProvider clock, EventMetrics metrics, ILogger<WebhookDelivery> logger)
    : PeriodicService(TimeSpan.FromSeconds(1), clock, runsAtStart: true)
{
    /// <summary>Longer than an attempt (10 s) with room for the database: a lease runs out only when its instance is gone.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    public const int BatchSize = 16;

    private readonly string _owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
    private volatile bool _gone;

    /// <summary>True once the receiver answered 410 Gone.</summary>
    public bool Stopped => _gone;

    protected override async Task RunOnceAsync(CancellationToken ct)
    {
        while (!_gone && await DeliverDueAsync(ct) == BatchSize)
        {
        }
    }

    protected override bool LoggedAndRetried(Exception failure)
    {
        if (failure is not DbException e)
            return false;
        WebhookDeliveryLog.OutboxFailed(logger, e);
        return true;
    }

    /// <summary>One pass: claims and sends what is due now; returns how many events it claimed.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        if (_gone)
            return 0;
        var due = await store.ClaimDueEventsAsync(_owner, Clock.GetUtcNow(), Lease, BatchSize, ct);
        await Task.WhenAll(due.Select(e => DeliverAsync(e, ct)));
        metrics.Pending(await store.CountPendingEventsAsync(ct));
        return due.Count;
    }

    private async Task DeliverAsync(LifecycleEvent e, CancellationToken ct)
    {
        var result = await sender.SendAsync(e, ct);
        var at = Clock.GetUtcNow();
        DeliveryAttempt attempt;
        if (result.Acknowledged)
        {
            attempt = new DeliveryAttempt(at, DeliveryStates.Delivered, result.Status, null, null);
        }
        else
        {
            if (result.Status == StatusCodes.Status410Gone && !_gone)
            {
                _gone = true;
                WebhookDeliveryLog.ReceiverGone(logger);
            }
            var attempts = e.Delivery.Attempts + 1;
            var next = RetrySchedule.Next(attempts, e.Delivery.PendingSince, at, Random.Shared.NextDouble());
            attempt = new DeliveryAttempt(at, next is null ? DeliveryStates.Failed : DeliveryStates.Pending, result.Status, result.Error, next);
            WebhookDeliveryLog.AttemptFailed(logger, e.Id, attempts, result.Status, result.Error, next);
        }

        // Not recorded when the lease was lost (this instance stalled past it): another instance has the event now.
        if (await store.CompleteDeliveryAsync(e.Seq, _owner, attempt, ct))
            metrics.Attempt(attempt.State, result.Status, attempt.State == DeliveryStates.Delivered ? at - e.At : null);
    }
}
