using System.Net.Sockets;
using System.Text;

namespace Vault.Tests.Proxy;

/// <summary>Sends a request line exactly as written: HttpClient would normalise the path tricks under test.</summary>
public static class RawHttp
{
    public static async Task<int> StatusAsync(Uri server, string requestTarget, IEnumerable<string> headers)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        await using var stream = client.GetStream();
        var request = new StringBuilder()
            .Append("GET ").Append(requestTarget).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(server.Authority).Append("\r\n")
            .Append("Connection: close\r\n");
        foreach (var header in headers)
            request.Append(header).Append("\r\n");
        request.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync() ?? "";
        var parts = statusLine.Split(' ');
        return parts.Length > 1 && int.TryParse(parts[1], out var status) ? status : -1;
    }
}
