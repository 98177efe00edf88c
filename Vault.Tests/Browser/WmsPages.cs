using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vault.Tests.Browser;

/// <summary>
/// A stand-in for the WMS's page that the vault redirects the seller back to: a Kestrel server on a free
/// loopback port whose <c>/amazon/done</c> shows the status it was given, so the browser really lands somewhere.
/// </summary>
public sealed class WmsPages : IAsyncDisposable
{
    public const string DonePath = "/amazon/done";

    private readonly WebApplication _app;

    private WmsPages(WebApplication app, Uri origin)
    {
        _app = app;
        Origin = origin;
    }

    /// <summary>http://127.0.0.1:{port}, without a trailing slash, as ALLOWED_REDIRECT_ORIGINS wants it.</summary>
    public Uri Origin { get; }

    public string OriginText => Origin.GetLeftPart(UriPartial.Authority);

    public string DoneUrl => OriginText + DonePath;

    public static async Task<WmsPages> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapGet(DonePath, (HttpRequest request) =>
        {
            string Field(string name) => WebUtility.HtmlEncode(request.Query[name].ToString());
            var page = $"""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>WMS</title></head>
                <body><h1>Amazon account</h1>
                <p>status: <span id="status">{Field("status")}</span></p>
                <p>error: <span id="error">{Field("error")}</span></p>
                </body></html>
                """;
            return Results.Content(page, "text/html; charset=utf-8");
        });
        await app.StartAsync();
        return new WmsPages(app, new Uri(app.Urls.First()));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
