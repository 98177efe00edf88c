using System.Net.Sockets;
using System.Text;

namespace Vault.Tests.Observability;

/// <summary>
/// Many bodiless requests on one keep-alive HTTP/1.1 connection, written a batch at a time (pipelined) and answered
/// in order: thousands of requests in a second or two, with request lines HttpClient would not send as written.
/// </summary>
public sealed class PipelinedHttp : IDisposable
{
    private readonly TcpClient _client = new() { NoDelay = true };
    private readonly byte[] _buffer = new byte[64 * 1024];
    private NetworkStream _stream = null!;
    private int _start;
    private int _end;
    private string _authority = "";

    public static async Task<PipelinedHttp> ConnectAsync(Uri server)
    {
        var http = new PipelinedHttp();
        await http._client.ConnectAsync(server.Host, server.Port);
        http._stream = http._client.GetStream();
        http._authority = server.Authority;
        return http;
    }

    /// <summary>Sends one request per (method, target) and returns the statuses in order; the server must keep the connection open.</summary>
    public async Task<List<int>> SendAsync(IEnumerable<(string Method, string Target)> requests, int batch = 250)
    {
        var statuses = new List<int>();
        foreach (var chunk in requests.Chunk(batch))
        {
            var text = new StringBuilder();
            foreach (var (method, target) in chunk)
                text.Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: ").Append(_authority).Append("\r\n\r\n");
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(text.ToString()));
            foreach (var _ in chunk)
                statuses.Add(await ReadResponseAsync());
        }
        return statuses;
    }

    private async Task<int> ReadResponseAsync()
    {
        var statusLine = await ReadLineAsync();
        var parts = statusLine.Split(' ');
        Assert.True(parts.Length > 1 && parts[0].StartsWith("HTTP/1.1", StringComparison.Ordinal), $"not a status line: {statusLine}");
        var status = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        long length = 0;
        var chunked = false;
        for (var line = await ReadLineAsync(); line.Length > 0; line = await ReadLineAsync())
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                length = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
                Assert.False(value.Equals("close", StringComparison.OrdinalIgnoreCase), "the server closed the keep-alive connection");
        }
        if (!chunked)
        {
            await SkipAsync(length);
            return status;
        }
        while (true)
        {
            var size = Convert.ToInt64((await ReadLineAsync()).Split(';')[0].Trim(), 16);
            if (size == 0)
            {
                while ((await ReadLineAsync()).Length > 0)
                {
                    // trailers
                }
                return status;
            }
            await SkipAsync(size);
            Assert.Equal("", await ReadLineAsync());
        }
    }

    private async Task<string> ReadLineAsync()
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (index >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, _start, index);
                _start += index + 2;
                return line;
            }
            await FillAsync();
        }
    }

    private async Task SkipAsync(long count)
    {
        while (count > 0)
        {
            if (_start == _end)
                await FillAsync();
            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    private async Task FillAsync()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        Assert.True(_end < _buffer.Length, "a response line longer than the buffer");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token);
        Assert.True(read > 0, "the server closed the connection");
        _end += read;
    }

    public void Dispose() => _client.Dispose();
}
