namespace Vault.Api.OAuth;

/// <summary>
/// The plain page a seller's browser sees when a link is bad: never a redirect, since the target could not be
/// trusted. The text is fixed; nothing from the request is echoed into it.
/// </summary>
internal static class OAuthPages
{
    public static IResult Invalid(string reason) => Results.Content(
        $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Authorization link not valid</title></head>
        <body><h1>This authorization link cannot be used</h1><p>{reason}</p>
        <p>Go back to the application that sent you here and start the connection again.</p></body></html>
        """,
        "text/html; charset=utf-8",
        statusCode: StatusCodes.Status400BadRequest);

    /// <summary>No caching, and no Referer: the URLs carry tickets, states and codes.</summary>
    public static void ApplySafetyHeaders(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "default-src 'none'";
    }
}
