namespace Vault.Storage;

/// <summary>
/// A reserved place in a rate bucket: <see cref="Granted"/> with the <see cref="Wait"/> until the call may go, or
/// refused with the <see cref="Wait"/> after which a caller willing to wait as long would be granted. <see cref="Rate"/> is
/// the bucket's rate now (Amazon may have reported another than the default).
/// </summary>
public readonly record struct RateReservation(bool Granted, TimeSpan Wait, double Rate);

/// <summary>
/// Token buckets that pace calls to Amazon (docs/API.md "Pacing"), keyed by tenant and a bucket name (connection and
/// operation). A call reserves a token; when the bucket is empty it reserves the next one to come, in arrival order,
/// unless that is further away than it is willing to wait. Each method is one atomic step on the bucket.
/// A bucket whose tokens have refilled to its burst is what a new one would be, but for a rate Amazon reported: it may be
/// dropped, and one with a reported rate is dropped once it has also gone unused for <see cref="IdleKept"/> (the next call
/// starts from the usage plan's rate and learns Amazon's again from x-amzn-RateLimit-Limit). A bucket still refilling is
/// never dropped: it holds calls that Amazon's bucket has yet to pay back.
/// </summary>
public interface IRateBuckets
{
    /// <summary>How long a full bucket is kept after its last use, for the rate Amazon may have reported for it.</summary>
    static readonly TimeSpan IdleKept = TimeSpan.FromHours(1);

    /// <summary>Reserves a token, creating the bucket full at <paramref name="rate"/> and <paramref name="burst"/> if it is new.</summary>
    Task<RateReservation> ReserveAsync(string tenant, string bucket, double rate, int burst, TimeSpan maxWait, CancellationToken ct);

    /// <summary>Gives back a granted token whose call was never made (the caller went away while waiting).</summary>
    Task ReleaseAsync(string tenant, string bucket, CancellationToken ct);

    /// <summary>Amazon answered 429: its bucket is empty now, whatever the estimate said.</summary>
    Task EmptyAsync(string tenant, string bucket, CancellationToken ct);

    /// <summary>Amazon reported another rate (x-amzn-RateLimit-Limit) for this bucket: follow it from now on.</summary>
    Task SetRateAsync(string tenant, string bucket, double rate, CancellationToken ct);

    /// <summary>Drops (at least) the buckets that are full and have not been used for <see cref="IdleKept"/>; returns how many it dropped.</summary>
    Task<int> SweepIdleAsync(CancellationToken ct);
}
