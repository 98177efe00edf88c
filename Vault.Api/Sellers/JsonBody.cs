using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Errors;

namespace Vault.Api.Sellers;

/// <summary>
/// Reads a small JSON request body by hand rather than through parameter binding, so a malformed body is a
/// 400 invalid_request naming the field at fault instead of a bare binding failure.
/// </summary>
internal static class JsonBody
{
    /// <summary>A refresh token or a Data Border record is a few KiB at most.</summary>
    public const long MaxBytes = 16 * 1024;

    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext context) where T : class
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
            return (null, Problems.InvalidRequest("body: send a JSON object with Content-Type: application/json"));
        if (request.ContentLength > MaxBytes)
            return (null, TooLarge());
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxBytes;
        try
        {
            var value = await request.ReadFromJsonAsync<T>(context.RequestAborted);
            return value is null ? (null, Problems.InvalidRequest("body: a JSON object is required")) : (value, null);
        }
        catch (JsonException e)
        {
            // The path names the field; the message could quote the value, so it is not passed on.
            return (null, Problems.InvalidRequest($"{FieldOf(e.Path)}: not valid JSON of the expected shape"));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge());
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException)
        {
            // Broken framing found while reading (a bad chunk size or suffix; Kestrel reports an overflowing chunk size
            // as a bare IOException, which would otherwise be a 500). Kestrel closes the connection after this answer.
            return (null, Problems.InvalidRequest("body: the request body could not be read (malformed framing)"));
        }
    }

    private static ProblemHttpResult TooLarge() =>
        Problems.Create(413, "payload_too_large", "Payload too large", $"body: larger than {MaxBytes} bytes");

    private static string FieldOf(string? path) =>
        path is { Length: > 2 } && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
}
