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
/// </summary>
public interface IRateBuckets
{
    /// <summary>Reserves a token, creating the bucket full at <paramref name="rate"/> and <paramref name="burst"/> if it is new.</summary>
    Task<RateReservation> ReserveAsync(string tenant, string bucket, double rate, int burst, TimeSpan maxWait, CancellationToken ct);

    /// <summary>Gives back a granted token whose call was never made (the caller went away while waiting).</summary>
    Task ReleaseAsync(string tenant, string bucket, CancellationToken ct);

    /// <summary>Amazon answered 429: its bucket is empty now, whatever the estimate said.</summary>
    Task EmptyAsync(string tenant, string bucket, CancellationToken ct);

    /// <summary>Amazon reported another rate (x-amzn-RateLimit-Limit) for this bucket: follow it from now on.</summary>
    Task SetRateAsync(string tenant, string bucket, double rate, CancellationToken ct);
}
