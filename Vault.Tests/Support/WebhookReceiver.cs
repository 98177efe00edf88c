using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Vault.Tests.Support;

/// <summary>
/// A WMS's webhook endpoint on a real loopback port (Kestrel). Every request is kept with its headers and body, and its
/// signature checked by the published StandardWebhooks library (not the vault's code); <see cref="Answer"/> decides the
/// status (or stalls). Each request also goes to the leak scan's capture. Stopping and starting again on the same port
/// makes a receiver that refuses connections for a while.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    /// <param name="Verified">The signature matches, by this class's own HMAC (any clock).</param>
    /// <param name="LibraryVerified">The published StandardWebhooks library accepts it (its timestamp within 5 minutes of now).</param>
    public sealed record Received(string Id, long Timestamp, string Signature, string Body, bool Verified, bool LibraryVerified, int Status, string Headers)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
        public string Type => Json.GetProperty("type").GetString()!;
        public string SellerId => Json.GetProperty("data").GetProperty("sellerId").GetString()!;
    }

    private readonly string _secret;
    private WebApplication? _app;

    private WebhookReceiver(string secret, int port)
    {
        _secret = secret;
        Port = port;
    }

    /// <summary>A fresh whsec_ secret of 32 random bytes.</summary>
    public static string NewSecret() => TestSecrets.Add("webhook-secret", "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/hooks/vault");

    /// <summary>The status for the nth request (1-based) and its body; may wait first (a stalled receiver). Default 204.</summary>
    public Func<int, Received, Task<int>> Answer { get; set; } = (_, _) => Task.FromResult(204);

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The requests answered 2xx, in the order they arrived.</summary>
    public IReadOnlyList<Received> Acknowledged => [.. Requests.Where(r => r.Status is >= 200 and < 300)];

    public static async Task<WebhookReceiver> StartAsync(string secret, int? port = null)
    {
        var receiver = new WebhookReceiver(secret, port ?? FreePort());
        await receiver.StartAsync();
        return receiver;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{Port}");
        var app = builder.Build();
        var count = 0;
        var verifier = new StandardWebhook(_secret);
        app.MapPost("/hooks/vault", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var libraryVerified = true;
            try
            {
                verifier.Verify(body, context.Request.Headers);
            }
            catch (WebhookVerificationException)
            {
                libraryVerified = false;
            }
            var headers = string.Join("\n", context.Request.Headers.Select(h => $"{h.Key}: {h.Value}"));
            var received = new Received(
                context.Request.Headers["webhook-id"].ToString(), long.Parse(context.Request.Headers["webhook-timestamp"].ToString(), System.Globalization.CultureInfo.InvariantCulture),
                context.Request.Headers["webhook-signature"].ToString(), body, false, libraryVerified, 0, headers);
            received = received with { Verified = SignatureMatches(received) };
            var status = await Answer(Interlocked.Increment(ref count), received);
            Requests.Enqueue(received with { Status = status });
            TestSecrets.Append(TestSecrets.WebhooksFolder, $"{Environment.ProcessId}.txt", $"POST {context.Request.Path}\n{headers}\n\n{body}\n\n");
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        _app = app;
    }

    /// <summary>Stops listening: the next connection attempts are refused.</summary>
    public async Task StopAsync()
    {
        if (_app is null)
            return;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _app = null;
    }

    /// <summary>Waits (real time) until <paramref name="done"/> holds of the requests so far.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<Received>, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!done([.. Requests]))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the receiver got {Requests.Count} request(s): {string.Join(", ", Requests.Select(r => $"{r.Type}/{r.SellerId}:{r.Status}"))}");
            await Task.Delay(50);
        }
    }

    /// <summary>The specification's scheme written out here, apart from the vault's signer: HMAC-SHA256 of id.timestamp.body.</summary>
    private bool SignatureMatches(Received received)
    {
        var key = Convert.FromBase64String(_secret["whsec_".Length..]);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{received.Id}.{received.Timestamp}.{received.Body}")));
        return received.Signature.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected)));
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
