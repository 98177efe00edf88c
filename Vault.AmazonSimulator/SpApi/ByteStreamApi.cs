using Microsoft.AspNetCore.Http.Features;

namespace Vault.AmazonSimulator.SpApi;

/// <summary>
/// <c>GET /{sp-api host}/_sim/bytes?size=N</c>, a simulator-only large download (think report
/// documents) for testing that a proxy streams instead of buffering. The body is
/// <see cref="ByteAt"/> for each offset, written in chunks as it is produced.
/// </summary>
public static class ByteStreamApi
{
    public const int ChunkSize = 64 * 1024;
    private const int Period = 251;

    /// <summary>The byte at an offset. A prime period makes chunk misalignment visible.</summary>
    public static byte ByteAt(long offset) => (byte)(offset % Period);

    public static RouteGroupBuilder MapByteStream(this RouteGroupBuilder sp)
    {
        ArgumentNullException.ThrowIfNull(sp);
        sp.MapGet("/_sim/bytes", StreamAsync);
        return sp;
    }

    private static async Task StreamAsync(HttpContext http, string? size)
    {
        if (!long.TryParse(size, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var total))
        {
            await SpApiErrors.InvalidInput("size must be a non-negative integer.").ExecuteAsync(http);
            return;
        }

        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = "application/octet-stream";
        http.Response.ContentLength = total;

        var buffer = new byte[ChunkSize];
        for (long offset = 0; offset < total; offset += ChunkSize)
        {
            var count = (int)Math.Min(ChunkSize, total - offset);
            var value = (int)(offset % Period);
            for (var i = 0; i < count; i++)
            {
                buffer[i] = (byte)value;
                value = value + 1 == Period ? 0 : value + 1;
            }

            await http.Response.Body.WriteAsync(buffer.AsMemory(0, count), http.RequestAborted);
        }
    }
}
