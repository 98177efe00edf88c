using System.Net.Sockets;
using System.Text;

namespace Vault.Tests.Acceptance;

/// <summary>One answer read off a raw connection: status line, headers, de-chunked body.</summary>
public sealed record RawHttpResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    public IEnumerable<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    /// <summary>The media type of Content-Type, without parameters.</summary>
    public string? MediaType => Header("Content-Type")?.Split(';')[0].Trim();
}

/// <summary>Everything the server sent on one connection, and whether it closed the connection itself.</summary>
public sealed record RawHttpExchangeResult(IReadOnlyList<RawHttpResponse> Responses, bool ClosedByServer, string Unparsed)
{
    public RawHttpResponse? First => Responses.Count > 0 ? Responses[0] : null;
}

/// <summary>
/// Sends bytes exactly as given on a fresh TCP connection (HttpClient would fix up or refuse the malformed headers,
/// request lines and framings under test), then reads until the server closes or goes quiet, and parses every
/// HTTP/1.1 response in what came back, so a second (smuggled) answer on the same connection is seen.
/// </summary>
public static class RawHttpExchange
{
    public static async Task<RawHttpExchangeResult> SendAsync(Uri server, byte[] request, TimeSpan quiet)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request);
        }
        catch (IOException)
        {
            // The server may answer and close before it read a large body: what it sent is still read below.
        }

        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var closed = false;
        while (true)
        {
            using var timeout = new CancellationTokenSource(quiet);
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                break; // quiet for the whole window: the server kept the connection open
            }
            catch (IOException)
            {
                closed = true; // reset after its answer counts as closed
                break;
            }
            if (read == 0)
            {
                closed = true;
                break;
            }
            received.Write(buffer, 0, read);
        }
        var (responses, rest) = Parse(received.ToArray());
        return new RawHttpExchangeResult(responses, closed, rest);
    }

    private static (List<RawHttpResponse> Responses, string Unparsed) Parse(byte[] data)
    {
        var responses = new List<RawHttpResponse>();
        var position = 0;
        while (position < data.Length)
        {
            var headerEnd = IndexOf(data, "\r\n\r\n"u8, position);
            if (headerEnd < 0)
                break;
            var head = Encoding.Latin1.GetString(data, position, headerEnd - position).Split("\r\n");
            var statusParts = head[0].Split(' ');
            if (statusParts.Length < 2 || !statusParts[0].StartsWith("HTTP/", StringComparison.Ordinal) || !int.TryParse(statusParts[1], out var status))
                break;
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var line in head.Skip(1))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                    headers.Add(KeyValuePair.Create(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
            position = headerEnd + 4;
            byte[] body;
            var transferEncoding = headers.FirstOrDefault(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)).Value;
            var contentLength = headers.FirstOrDefault(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Value;
            if (transferEncoding?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
            {
                var chunks = new MemoryStream();
                while (true)
                {
                    var lineEnd = IndexOf(data, "\r\n"u8, position);
                    if (lineEnd < 0)
                    {
                        position = data.Length;
                        break;
                    }
                    var sizeText = Encoding.ASCII.GetString(data, position, lineEnd - position).Split(';')[0].Trim();
                    var size = Convert.ToInt32(sizeText, 16);
                    position = lineEnd + 2;
                    if (size == 0)
                    {
                        var trailerEnd = IndexOf(data, "\r\n"u8, position);
                        position = trailerEnd < 0 ? data.Length : trailerEnd + 2;
                        break;
                    }
                    var take = Math.Min(size, data.Length - position);
                    chunks.Write(data, position, take);
                    position = Math.Min(data.Length, position + size + 2);
                }
                body = chunks.ToArray();
            }
            else if (contentLength is not null && int.TryParse(contentLength, out var length))
            {
                var take = Math.Min(length, data.Length - position);
                body = data.AsSpan(position, take).ToArray();
                position += take;
            }
            else
            {
                body = data.AsSpan(position).ToArray();
                position = data.Length;
            }
            responses.Add(new RawHttpResponse(status, headers, body));
        }
        return (responses, Encoding.Latin1.GetString(data, position, data.Length - position));
    }

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> needle, int from)
    {
        var index = data.AsSpan(from).IndexOf(needle);
        return index < 0 ? -1 : from + index;
    }
}
