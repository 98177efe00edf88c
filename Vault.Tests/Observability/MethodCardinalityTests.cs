using System.Net;
using System.Text.RegularExpressions;
using Vault.Tests.Auth;
using Vault.Tests.Support;
using Xunit.Abstractions;

namespace Vault.Tests.Observability;

/// <summary>
/// Kestrel accepts any token as a request method; were it copied into a metric label, anyone could grow /metrics
/// without bound. Only the seven methods the vault serves reach its routes; any other is answered 405 first, and counted
/// by ASP.NET Core's request metric under a bounded name.
/// </summary>
public sealed partial class MethodCardinalityTests(ITestOutputHelper output)
{
    // ASP.NET Core's request metric keeps the methods it knows (TRACE and CONNECT among them) and names any other "_OTHER".
    private static readonly string[] Bounded = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "QUERY", "_OTHER"];

    [Fact]
    public async Task TenThousandMadeUpMethodsShareTheOtherMethodsSeries()
    {
        await using var vault = await VaultHarness.StartAsync();
        var before = await MethodSeriesAsync(vault);
        var sizeBefore = (await MetricsTextAsync(vault)).Length;
        var methods = Enumerable.Range(0, 10_000).Select(i => "Q" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Concat(["get", "Get", "pOST", "TRACE", "PROPFIND"]).ToList();
        var targets = new[] { "/healthz", "/oauth/start", "/v1/sellers", "/v1/sellers/s1/sp-api/orders/v0/orders", "/nowhere" };

        using var connection = await PipelinedHttp.ConnectAsync(vault.BaseAddress);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var statuses = await connection.SendAsync(methods.Select((m, i) => (m, targets[i % targets.Length])));
        watch.Stop();

        var after = await MethodSeriesAsync(vault);
        var sizeAfter = (await MetricsTextAsync(vault)).Length;
        var added = after.Keys.Except(before.Keys).ToList();
        output.WriteLine($"{methods.Count} requests on one connection in {watch.ElapsedMilliseconds} ms; series with a method label: {before.Count} before, {after.Count} after ({string.Join("; ", added)}); /metrics {sizeBefore} then {sizeAfter} bytes");
        Assert.All(after.Values, method => Assert.Contains(method, Bounded));
        // Per metric, one series for all the made-up methods (_OTHER), one each for "get" (GET), "pOST" (POST) and TRACE,
        // and the scrape's own: no more, however many methods were sent.
        Assert.True(added.Count <= 9, $"{added.Count} new series; /metrics grew from {sizeBefore} to {sizeAfter} bytes; {methods.Count} requests in {watch.ElapsedMilliseconds} ms");
        Assert.Equal(2, after.Count(series => series.Value == "_OTHER"));
        Assert.Equal(methods.Count, statuses.Count);
        Assert.All(statuses, s => Assert.Equal(405, s));
    }

    [Theory]
    [InlineData("Q1", "/healthz")]
    [InlineData("M-SEARCH", "/healthz")]
    [InlineData("TRACE", "/v1/sellers")]
    [InlineData("CONNECTX", "/v1/sellers/s1/sp-api/orders/v0/orders")]
    public async Task AMethodOutsideTheSevenIsAProblem405(string method, string path)
    {
        await using var vault = await VaultHarness.StartAsync();

        using var response = await vault.SendAsync(new HttpMethod(method), path);

        await ProblemAssert.IsAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }

    [Fact]
    public async Task TheSevenMethodsStillReachTheirRoutes()
    {
        await using var vault = await VaultHarness.StartAsync();

        using var get = await vault.SendAsync(HttpMethod.Get, "/healthz");
        using var post = await vault.SendAsync(HttpMethod.Post, "/healthz");

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        // Routing's own 405 (a served method on a route without it) is unchanged.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Contains("GET", post.Content.Headers.Allow);
    }

    /// <summary>Each series (a histogram's buckets, sum and count folded into one) that has a method label, with that label's value.</summary>
    private static async Task<Dictionary<string, string>> MethodSeriesAsync(VaultHarness vault)
    {
        var series = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in (await MetricsTextAsync(vault)).Split('\n'))
        {
            if (line.StartsWith('#') || MethodLabel().Match(line) is not { Success: true } match)
                continue;
            series.TryAdd(HistogramParts().Replace(line[..line.LastIndexOf(' ')], ""), match.Groups[1].Value);
        }
        return series;
    }

    private static async Task<string> MetricsTextAsync(VaultHarness vault)
    {
        using var response = await vault.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex("""[{,]http_request_method="([^"]*)""")]
    private static partial Regex MethodLabel();

    [GeneratedRegex("(_bucket|_sum|_count)(?=\\{)|,?le=\"[^\"]*\"")]
    private static partial Regex HistogramParts();
}
