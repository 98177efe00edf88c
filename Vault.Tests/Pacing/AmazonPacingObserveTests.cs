using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vault.Api.Configuration;
using Vault.Api.Pacing;

namespace Vault.Tests.Pacing;

/// <summary>Pacing reads every answer to a paced call (issue 17); issue 18: the usual answer must cost next to nothing.</summary>
public class AmazonPacingObserveTests
{
    private const string Bucket = "seller-1\nsp-api\ngetMarketplaceParticipations";

    private static readonly PacedOperation Participations =
        PacedOperations.Find("GET", "/sellers/v1/marketplaceParticipations") ?? throw new InvalidOperationException("not paced");

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly MemoryRateBuckets _buckets;
    private readonly AmazonPacing _pacing;

    public AmazonPacingObserveTests()
    {
        _buckets = new MemoryRateBuckets(_clock);
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        _pacing = new AmazonPacing(_buckets, new PacingMetrics(meters), _clock, new VaultOptions());
    }

    private AmazonPacing.Ticket Ticket(double rate) => new("t", Bucket, Participations, rate, _clock.GetUtcNow().AddSeconds(10));

    private static HttpResponseMessage Answer(HttpStatusCode status, params string[] rates)
    {
        var response = new HttpResponseMessage(status);
        foreach (var rate in rates)
            response.Headers.TryAddWithoutValidation(AmazonPacing.AmazonRateHeader, rate);
        return response;
    }

    [Fact]
    public async Task AnAnswerWithTheKnownRateAllocatesNothing()
    {
        var ticket = Ticket(Participations.Rate);
        using var ok = Answer(HttpStatusCode.OK, "0.016"); // what Amazon reports for getMarketplaceParticipations
        await _pacing.ObserveAsync(ticket, ok);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
            await _pacing.ObserveAsync(ticket, ok);

        // It used to copy the header into a validated list and enumerate it with LINQ on every attempt (~100 B each).
        Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 1_000);
    }

    [Fact]
    public async Task TwoRateHeadersAreNoRateAndDoNotFailTheCall()
    {
        await _buckets.ReserveAsync("t", Bucket, Participations.Rate, Participations.Burst, TimeSpan.Zero, default);
        using var twice = Answer(HttpStatusCode.OK, "0.5", "2");

        await _pacing.ObserveAsync(Ticket(Participations.Rate), twice); // threw InvalidOperationException (SingleOrDefault)

        var next = await _buckets.ReserveAsync("t", Bucket, Participations.Rate, Participations.Burst, TimeSpan.Zero, default);
        Assert.Equal(Participations.Rate, next.Rate);
    }

    [Fact]
    public async Task AReportedRateReplacesTheEstimateAndA429EmptiesTheBucket()
    {
        await _buckets.ReserveAsync("t", Bucket, Participations.Rate, Participations.Burst, TimeSpan.Zero, default);

        using (var slower = Answer(HttpStatusCode.OK, "0.5"))
            await _pacing.ObserveAsync(Ticket(Participations.Rate), slower);
        var afterRate = await _buckets.ReserveAsync("t", Bucket, Participations.Rate, Participations.Burst, TimeSpan.Zero, default);
        Assert.Equal(0.5, afterRate.Rate);
        Assert.True(afterRate.Granted, "the burst still has tokens");

        using (var throttled = Answer(HttpStatusCode.TooManyRequests))
            await _pacing.ObserveAsync(Ticket(0.5), throttled);
        var afterThrottle = await _buckets.ReserveAsync("t", Bucket, Participations.Rate, Participations.Burst, TimeSpan.Zero, default);
        Assert.False(afterThrottle.Granted, "Amazon's 429 emptied the bucket");
    }
}
