using System.Globalization;
using Vault.Api.Errors;
using Vault.Storage;

namespace Vault.Api.Pacing;

/// <summary>
/// Paces proxied SP-API calls to Amazon's usage plans (docs/API.md "Pacing"): one bucket per connection and operation,
/// in memory on SQLite and shared through the database on PostgreSQL. A call waits for its token (first come, first
/// served) up to the caller's <see cref="MaxWait"/>, or is answered 429 <c>rate_limited</c> at once without calling
/// Amazon. Amazon's answers keep the estimate honest: its 429 empties the bucket, and a rate it reports in
/// <c>x-amzn-RateLimit-Limit</c> replaces the default.
/// </summary>
public sealed class AmazonPacing(IRateBuckets buckets, PacingMetrics metrics, TimeProvider time)
{
    public const string WaitHeader = "x-vault-rate-wait-ms";

    /// <summary>The rate Amazon applied to the call: https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits</summary>
    public const string AmazonRateHeader = "x-amzn-RateLimit-Limit";

    /// <summary>A paced call's place in its bucket, and the bucket's rate when it was taken.</summary>
    public sealed record Ticket(string Tenant, string Bucket, PacedOperation Operation, double Rate);

    /// <summary>
    /// Waits for the call's token. Returns the ticket to <see cref="ObserveAsync"/> with (null for an unpaced call), or a
    /// result to answer instead: 429 when the wait would be too long, nothing when the caller went away while waiting.
    /// </summary>
    public async Task<(Ticket? Ticket, IResult? Answer)> WaitAsync(Storage.Connection connection, string method, string pathAndQuery, TimeSpan maxWait, HttpContext context)
    {
        var query = pathAndQuery.IndexOf('?', StringComparison.Ordinal);
        if (connection.Api != ApiNames.SpApi || PacedOperations.Find(method, query < 0 ? pathAndQuery : pathAndQuery.AsSpan(0, query)) is not { } operation)
            return (null, null);
        var bucket = BucketName(connection, operation);
        var reservation = await buckets.ReserveAsync(connection.Tenant, bucket, operation.Rate, operation.Burst, maxWait, context.RequestAborted);
        var ticket = new Ticket(connection.Tenant, bucket, operation, reservation.Rate);
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
            context.Response.Headers[WaitHeader] = ((long)Math.Ceiling(reservation.Wait.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        }
        metrics.Granted(operation.Name, reservation.Wait);
        return (ticket, null);
    }

    /// <summary>Learns from Amazon's answer to a paced call: a 429 empties the bucket, a reported rate replaces the estimate.</summary>
    public async Task ObserveAsync(Ticket? ticket, HttpResponse response)
    {
        if (ticket is null)
            return;
        if (response.StatusCode == StatusCodes.Status429TooManyRequests)
        {
            metrics.AmazonThrottled(ticket.Operation.Name);
            await buckets.EmptyAsync(ticket.Tenant, ticket.Bucket, CancellationToken.None);
        }
        if (response.Headers.TryGetValue(AmazonRateHeader, out var values) && values.Count == 1
            && double.TryParse(values[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rate)
            && double.IsFinite(rate) && rate > 0 && Math.Abs(rate - ticket.Rate) > 1e-9)
            await buckets.SetRateAsync(ticket.Tenant, ticket.Bucket, rate, CancellationToken.None);
    }

    // The connection (tenant apart: it is the row's own column) and the operation; seller ids cannot hold a newline.
    private static string BucketName(Storage.Connection connection, PacedOperation operation) =>
        string.Concat(connection.SellerId, "\n", connection.Api, "\n", operation.Name);
}
