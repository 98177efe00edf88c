using System.Globalization;
using Vault.Api.Configuration;
using Vault.Api.Errors;
using Vault.Storage;

namespace Vault.Api.Pacing;

/// <summary>
/// Paces proxied SP-API calls to Amazon's usage plans (docs/API.md "Pacing"): one bucket per connection and operation,
/// in memory on SQLite and shared through the database on PostgreSQL. A call waits for its token (first come, first
/// served) up to the caller's <see cref="MaxWait"/>, or is answered 429 <c>rate_limited</c> at once without calling
/// Amazon. Amazon's answers keep the estimate honest: its 429 empties the bucket, and a rate it reports in
/// <c>x-amzn-RateLimit-Limit</c> replaces the default. A retry after Amazon's 429 takes its token from the same bucket
/// (AmazonInvoker waits in <see cref="WaitForRetryAsync"/>), within what is left of the caller's wait.
/// </summary>
public sealed class AmazonPacing(IRateBuckets buckets, PacingMetrics metrics, TimeProvider time, VaultOptions options)
{
    public const string WaitHeader = "x-vault-rate-wait-ms";

    /// <summary>The rate Amazon applied to the call: https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits</summary>
    public const string AmazonRateHeader = "x-amzn-RateLimit-Limit";

    /// <summary>
    /// A paced call's place in its bucket, the bucket's rate when it was taken, and until when a retry may still wait for
    /// a token: the caller's <see cref="MaxWait"/> from when it asked, and no later than leaves a retried attempt its full
    /// time within the total timeout.
    /// </summary>
    public sealed record Ticket(string Tenant, string Bucket, PacedOperation Operation, double Rate, DateTimeOffset RetryDeadline)
    {
        private long _waitedTicks;

        /// <summary>How long the vault held the call for tokens: its first attempt's wait and its retries'.</summary>
        public TimeSpan Waited => TimeSpan.FromTicks(Interlocked.Read(ref _waitedTicks));

        internal void AddWait(TimeSpan wait) => Interlocked.Add(ref _waitedTicks, wait.Ticks);
    }

    /// <summary>The <see cref="WaitHeader"/> value: whole milliseconds, rounded up.</summary>
    public static string WaitHeaderValue(TimeSpan waited) =>
        ((long)Math.Ceiling(waited.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>Where the ticket rides on the request to Amazon, for the retries in the HTTP pipeline.</summary>
    public static readonly HttpRequestOptionsKey<Ticket> TicketKey = new("vault.pacing.ticket");

    /// <summary>
    /// Waits for the call's token. Returns the ticket the call to Amazon carries (<see cref="TicketKey"/>; null for an
    /// unpaced call), or a result to answer instead: 429 when the wait would be too long, nothing when the caller went away while waiting.
    /// </summary>
    public async Task<(Ticket? Ticket, IResult? Answer)> WaitAsync(Storage.Connection connection, string method, string pathAndQuery, TimeSpan maxWait, HttpContext context)
    {
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        if (connection.Api != ApiNames.SpApi || PacedOperations.Find(method, query < 0 ? pathAndQuery : pathAndQuery.AsSpan(0, query)) is not { } operation)
            return (null, null);
        var bucket = BucketName(connection, operation);
        var asked = time.GetUtcNow();
        var reservation = await buckets.ReserveAsync(connection.Tenant, bucket, operation.Rate, operation.Burst, maxWait, context.RequestAborted);
        var retryDeadline = Min(asked + maxWait, asked + reservation.Wait + options.AmazonTotalTimeout - options.AmazonAttemptTimeout);
        var ticket = new Ticket(connection.Tenant, bucket, operation, reservation.Rate, retryDeadline);
        if (!reservation.Granted)
        {
            metrics.Refused(operation.Name);
            var retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(reservation.Wait.TotalSeconds)));
            context.Response.Headers.RetryAfter = retryAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture);
            return (null, Problems.Create(429, "rate_limited", "Rate limited",
                $"{operation.Name}: Amazon's rate for this connection is used up for longer than {MaxWait.Header} allows; retry later", retryAfter));
        }
        if (reservation.Wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(reservation.Wait, time, context.RequestAborted);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The caller is gone: its token goes to whoever comes next.
                await buckets.ReleaseAsync(ticket.Tenant, ticket.Bucket, CancellationToken.None);
                return (null, Results.Empty);
            }
            ticket.AddWait(reservation.Wait);
            context.Response.Headers[WaitHeader] = WaitHeaderValue(reservation.Wait);
        }
        metrics.Granted(operation.Name, reservation.Wait);
        return (ticket, null);
    }

    /// <summary>Learns from each of Amazon's answers to a paced call: a 429 empties the bucket, a reported rate replaces the estimate.</summary>
    /// <remarks>Every attempt of every paced call comes here, so the usual answer (no 429, the rate already known) touches no store and allocates nothing.</remarks>
    public ValueTask ObserveAsync(Ticket ticket, HttpResponseMessage response)
    {
        var throttled = response.StatusCode == System.Net.HttpStatusCode.TooManyRequests;
        var reported = ReportedRate(response) is { } rate && Math.Abs(rate - ticket.Rate) > 1e-9 ? rate : (double?)null;
        return throttled || reported is not null ? LearnAsync(ticket, throttled, reported) : ValueTask.CompletedTask;
    }

    private async ValueTask LearnAsync(Ticket ticket, bool throttled, double? reportedRate)
    {
        if (throttled)
        {
            metrics.AmazonThrottled(ticket.Operation.Name);
            await buckets.EmptyAsync(ticket.Tenant, ticket.Bucket, CancellationToken.None);
        }
        if (reportedRate is { } rate)
            await buckets.SetRateAsync(ticket.Tenant, ticket.Bucket, rate, CancellationToken.None);
    }

    /// <summary>The one rate in x-amzn-RateLimit-Limit, read without validating or copying the header (it is on every answer).</summary>
    public static double? ReportedRate(HttpResponseMessage response) =>
        response.Headers.NonValidated.TryGetValues(AmazonRateHeader, out var values) && values.Count == 1
        && double.TryParse(values.ToString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate)
        && double.IsFinite(rate) && rate > 0
            ? rate
            : null;

    /// <summary>
    /// A retry after Amazon's 429 waits its turn for a token like any call, and at least as long as Amazon asked
    /// (Retry-After). True once the wait is over and the retry may go; false when the token would come past the ticket's
    /// deadline (then there is no retry, and Amazon's 429 goes back to the caller). A retry whose wait is cancelled (the
    /// caller went away, or the total timeout struck) gives its token back, as a waiting call does.
    /// </summary>
    public async Task<bool> WaitForRetryAsync(Ticket ticket, TimeSpan amazonAsked, CancellationToken ct)
    {
        var left = ticket.RetryDeadline - time.GetUtcNow();
        if (amazonAsked > left)
            return false;
        var reservation = await buckets.ReserveAsync(ticket.Tenant, ticket.Bucket, ticket.Operation.Rate, ticket.Operation.Burst,
            left > TimeSpan.Zero ? left : TimeSpan.Zero, ct);
        if (!reservation.Granted)
            return false;
        var wait = reservation.Wait > amazonAsked ? reservation.Wait : amazonAsked;
        if (wait > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(wait, time, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await buckets.ReleaseAsync(ticket.Tenant, ticket.Bucket, CancellationToken.None);
                throw;
            }
            ticket.AddWait(wait);
        }
        metrics.Granted(ticket.Operation.Name, reservation.Wait);
        return true;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    // The connection (tenant apart: it is the row's own column) and the operation; seller ids cannot hold a newline.
    private static string BucketName(Storage.Connection connection, PacedOperation operation) =>
        string.Concat(connection.SellerId, "\n", connection.Api, "\n", operation.Name);
}
