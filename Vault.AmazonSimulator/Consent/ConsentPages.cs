using System.Net;
using System.Text;

namespace Vault.AmazonSimulator.Consent;

/// <summary>
/// The HTML an authorizing user sees: a consent page with two forms (Allow, Deny) that post the
/// request's parameters back in hidden fields, and an error page. No script, so any HTTP client or a
/// headless browser can drive it.
/// </summary>
public static class ConsentPages
{
    public const string AllowDecision = "allow";
    public const string DenyDecision = "deny";

    public static IResult Consent(string title, string appName, string confirmPath, IEnumerable<KeyValuePair<string, string?>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var hidden = new StringBuilder();
        foreach (var (name, value) in fields.Where(f => f.Value is not null))
        {
            hidden.Append(CultureInvariant($"      <input type=\"hidden\" name=\"{Encode(name)}\" value=\"{Encode(value)}\">\n"));
        }

        var body = $"""
              <h1>{Encode(title)}</h1>
              <p><strong id="app-name">{Encode(appName)}</strong> is requesting access to your account.</p>
              {Form(confirmPath, hidden.ToString(), AllowDecision, "Allow")}
              {Form(confirmPath, hidden.ToString(), DenyDecision, "Deny")}
            """;
        return Html(title, body, 200);
    }

    public static IResult Error(string message, int status = 400) =>
        Html("Error", $"""<h1>We're sorry</h1><p id="error">{Encode(message)}</p>""", status);

    private static string Form(string action, string hidden, string decision, string label) => $"""
        <form method="post" action="{Encode(action)}">
        {hidden}      <input type="hidden" name="decision" value="{decision}">
              <button type="submit" id="{decision}">{label}</button>
            </form>
        """;

    private static IResult Html(string title, string body, int status)
    {
        var page = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>{Encode(title)} (Amazon simulator)</title></head>
            <body>
            {body}
            </body>
            </html>
            """;
        return Results.Content(page, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    private static string Encode(string? value) => WebUtility.HtmlEncode(value ?? "");

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
