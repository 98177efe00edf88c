using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Vault.Tests.Auth;
using Vault.Tests.Support;

namespace Vault.Tests.Observability;

public class ObservabilityTests
{
    [Fact]
    public async Task MetricsCoverRequestsKeyDerivationLwaTheCacheAndAmazonHosts()
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        for (var i = 0; i < 2; i++)
        {
            using var call = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations", seeded.Secret);
            Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        }

        using var response = await vault.Http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        // ASP.NET Core's own request metric, labelled by route template.
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/v1/sellers/{sellerId}/sp-api/{**path}\"", text, StringComparison.Ordinal);
        Assert.Contains("vault_kdf_duration_seconds_count", text, StringComparison.Ordinal);
        Assert.Contains("vault_kdf_queue_length", text, StringComparison.Ordinal);
        Assert.Contains("vault_lwa_calls_total{grant=\"refresh_token\",outcome=\"None\"}", text, StringComparison.Ordinal);
        Assert.Contains("vault_access_token_cache_total{result=\"hit\"}", text, StringComparison.Ordinal);
        Assert.Contains("vault_amazon_responses_total{host=\"sellingpartnerapi-na.amazon.com\",status=\"200\"}", text, StringComparison.Ordinal);
        // Seller ids and secrets are never labels.
        Assert.DoesNotContain("seller-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(seeded.Secret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogsCarryTheRequestIdAndNeverTheOAuthUrls()
    {
        var logs = new CapturedLogs();
        await using var vault = await VaultHarness.StartAsync(host: builder =>
        {
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
        });
        var secret = Vault.Crypto.SellerSecret.Generate();
        var browser = new OAuth.OAuthBrowser(vault);
        var authorizeUrl = await browser.AuthorizeUrlAsync("seller-1", secret, "sp-api", "na");
        var start = await browser.StartAsync(authorizeUrl);
        var callback = await browser.ConsentAsync(start.Headers.Location!, "allow");
        using var done = await browser.CallbackAsync(callback);
        Assert.Contains("status=connected", done.Headers.Location!.Query, StringComparison.Ordinal);

        var code = OAuth.OAuthBrowser.Query(callback)["spapi_oauth_code"];
        var ticket = OAuth.OAuthBrowser.Query(authorizeUrl)["ticket"];
        Assert.NotEmpty(logs.Lines);
        foreach (var line in logs.Lines)
        {
            Assert.DoesNotContain(code, line, StringComparison.Ordinal);
            Assert.DoesNotContain(ticket, line, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
            Assert.DoesNotContain(browser.Cookie!.Split('=', 2)[1], line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheConsoleLogIsOneJsonObjectPerLineWithTheRequestIdInScope()
    {
        await using var vault = await VaultHarness.StartAsync(settings => settings["SPAPI_LWA_CLIENT_SECRET"] = "wrong-client-secret",
            host: builder => builder.Services.AddSingleton<ILoggerProvider, ConsoleFormatCapture>());
        var console = vault.Services.GetServices<ILoggerProvider>().OfType<ConsoleFormatCapture>().Single();
        // The capture formats as the console does; the vault must also log to the console with that formatter.
        Assert.Contains(vault.Services.GetServices<ILoggerProvider>(), p => p is ConsoleLoggerProvider);
        Assert.Equal(ConsoleFormatterNames.Json, console.Formatter.Name);
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        using var response = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations", seeded.Secret);
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var requestId = response.Headers.GetValues("x-request-id").Single();

        var lines = console.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.StartsWith("{", l, StringComparison.Ordinal));
        var warning = lines.Select(l => JsonDocument.Parse(l).RootElement)
            .FirstOrDefault(e => e.GetProperty("Message").GetString()!.Contains("LWA refresh", StringComparison.Ordinal));
        Assert.NotEqual(JsonValueKind.Undefined, warning.ValueKind);
        Assert.Equal("Warning", warning.GetProperty("LogLevel").GetString());
        Assert.Contains(warning.GetProperty("Scopes").EnumerateArray(), s => s.TryGetProperty("requestId", out var id) && id.GetString() == requestId);
    }
}
