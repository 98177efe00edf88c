using System.Text;

namespace Vault.Tests.Acceptance;

/// <summary>Who is expected to answer a bad request, and so what the answer must look like.</summary>
public enum Answerer
{
    /// <summary>The vault: <c>application/problem+json</c> with the expected <c>code</c> (docs/API.md "Errors").</summary>
    Vault,

    /// <summary>The vault's OAuth pages: the plain 400 HTML page, never a redirect.</summary>
    OAuthPage,

    /// <summary>Kestrel refuses the request before the vault sees it: the status only, and the connection is closed.</summary>
    Kestrel,
}

/// <summary>
/// One bad request of the catalogue and the answer docs/API.md promises. Values written <c>@@NAME@@</c> are filled in at
/// run time (a valid JWT, a seeded seller's secret, a live OAuth cookie: see <see cref="BadInputCatalogueContext"/>).
/// </summary>
/// <param name="Area">Which class of bad input this is (shown in the failure list).</param>
/// <param name="Name">What is wrong with it.</param>
/// <param name="Method">The request method, sent as is.</param>
/// <param name="Target">The request target, sent as is on the request line (not normalised).</param>
/// <param name="Headers">Header lines "Name: value", sent as is (UTF-8; no validation).</param>
/// <param name="Body">The body bytes, or null for none; Content-Length is added for it.</param>
/// <param name="ContentType">The Content-Type header, or null for none.</param>
/// <param name="Status">The expected status.</param>
/// <param name="Code">The expected problem <c>code</c>, or null where only the status is checked (Kestrel, OAuth pages).</param>
public sealed record BadInputCase(
    string Area,
    string Name,
    string Method,
    string Target,
    IReadOnlyList<string> Headers,
    byte[]? Body,
    string? ContentType,
    int Status,
    string? Code,
    Answerer Answerer = Answerer.Vault)
{
    /// <summary>When set, the whole request is this text (CRLFs and framing as written) and nothing is added, not even Connection: close.</summary>
    public string? Raw { get; init; }

    public override string ToString() => $"[{Area}] {Name}";

    /// <summary>The bytes on the wire, placeholders filled in.</summary>
    public byte[] Encode(Func<string, string> fill, string host)
    {
        if (Raw is not null)
            return Encoding.UTF8.GetBytes(fill(Raw));
        var text = new StringBuilder()
            .Append(Method).Append(' ').Append(fill(Target)).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(host).Append("\r\n")
            .Append("Connection: close\r\n");
        foreach (var header in Headers)
            text.Append(fill(header)).Append("\r\n");
        if (ContentType is not null)
            text.Append("Content-Type: ").Append(ContentType).Append("\r\n");
        var body = Body is null ? null : Encoding.UTF8.GetBytes(fill(Encoding.UTF8.GetString(Body)));
        // A body that is not valid UTF-8 is sent byte for byte (it has no placeholders).
        if (Body is not null && !Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body)).AsSpan().SequenceEqual(Body))
            body = Body;
        if (body is not null)
            text.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        text.Append("\r\n");
        var head = Encoding.UTF8.GetBytes(text.ToString());
        return body is null ? head : [.. head, .. body];
    }
}
