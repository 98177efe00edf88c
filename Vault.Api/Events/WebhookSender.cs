using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using Vault.Storage;

namespace Vault.Api.Events;

/// <summary>The receiver's answer to one attempt: its HTTP status, or <c>timeout</c> / <c>connection</c> when none came.</summary>
public sealed record AttemptResult(int? Status, string? Error)
{
    public bool Acknowledged => Status is >= 200 and < 300;
}

/// <summary>
/// One signed POST of an event to WEBHOOK_URL (configuration, never caller input). Redirects are not followed (a 3xx is a
/// failed attempt), an attempt ends after 10 s, and at most 4 KiB of the answer is read, then dropped unread by anyone:
/// a receiver's body never reaches a log or the database.
/// </summary>
public sealed class WebhookSender(HttpClient http, WebhookSigner signer, Uri url, TimeProvider clock)
{
    public const string HttpClientName = "webhooks";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    public const int MaxAnswerBytes = 4096;

    public async Task<AttemptResult> SendAsync(LifecycleEvent e, CancellationToken ct)
    {
        var body = EventPayload.Body(e);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("webhook-id", e.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", signer.Sign(e.Id, timestamp, body));

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            await DrainAsync(response, attempt.Token);
            return new AttemptResult((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new AttemptResult(null, "timeout");
        }
        catch (HttpRequestException)
        {
            return new AttemptResult(null, "connection");
        }
    }

    /// <summary>Reads up to 4 KiB so a small answer ends the exchange cleanly; a longer one is cut off with the connection.</summary>
    private static async Task DrainAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxAnswerBytes);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var read = 0;
            while (read < MaxAnswerBytes && await stream.ReadAsync(buffer.AsMemory(read, MaxAnswerBytes - read), ct) is > 0 and var n)
                read += n;
        }
        catch (IOException)
        {
            // The status is what counts; a body cut short changes nothing.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }
}
