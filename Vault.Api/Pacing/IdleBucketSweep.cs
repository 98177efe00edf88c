using System.Data.Common;
using Vault.Api.Background;
using Vault.Storage;

namespace Vault.Api.Pacing;

/// <summary>
/// Drops the pacing buckets that are full and unused for an hour (<see cref="IRateBuckets.IdleKept"/>) every few minutes,
/// whether or not new buckets come: on PostgreSQL nothing else deletes a row, and in memory the sweep that new buckets
/// trigger only runs above a thousand of them.
/// </summary>
public sealed partial class IdleBucketSweep(IRateBuckets buckets, TimeProvider clock, ILogger<IdleBucketSweep> logger)
    : PeriodicService(TimeSpan.FromMinutes(5), clock)
{
    protected override Task RunOnceAsync(CancellationToken ct) => buckets.SweepIdleAsync(ct);

    protected override bool LoggedAndRetried(Exception failure)
    {
        if (failure is not DbException e)
            return false;
        SweepFailed(logger, e);
        return true;
    }

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "dropping idle pacing buckets failed")]
    private static partial void SweepFailed(ILogger logger, Exception exception);
}
