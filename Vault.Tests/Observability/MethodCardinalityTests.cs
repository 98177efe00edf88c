using System.Net;
using System.Text.RegularExpressions;
using Vault.Tests.Auth;
using Vault.Tests.Support;
using Xunit.Abstractions;

namespace Vault.Tests.Observability;

/// <summary>
/// Kestrel accepts any token as a request method; were it copied into a metric label, anyone could grow /metrics
/// without bound. Only the seven methods the vault serves reach the metrics; any other is answered 405 first.
/// </summary>
public sealed partial class MethodCardinalityTests(ITestOutputHelper output)
{
    private static readonly string[] Served = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    [Fact]
    public async Task TenThousandMadeUpMethodsAddNoMetricSeries()
    {
        await using var vault = await VaultHarness.StartAsync();
        // The registry is process-wide (prometheus-net): only series labelled with a method outside the seven are
        // counted, which no other test produces once the fix is in.
        var before = await OddMethodSeriesAsync(vault);
        var sizeBefore = (await MetricsTextAsync(vault)).Length;
        var methods = Enumerable.Range(0, 10_000).Select(i => "Q" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Concat(["get", "Get", "pOST", "TRACE", "PROPFIND"]).ToList();
        var targets = new[] { "/healthz", "/oauth/start", "/v1/sellers", "/v1/sellers/s1/sp-api/orders/v0/orders", "/nowhere" };

        using var connection = await PipelinedHttp.ConnectAsync(vault.BaseAddress);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var statuses = await connection.SendAsync(methods.Select((m, i) => (m, targets[i % targets.Length])));
        watch.Stop();

        var after = await OddMethodSeriesAsync(vault);
        var sizeAfter = (await MetricsTextAsync(vault)).Length;
        output.WriteLine($"{methods.Count} requests on one connection in {watch.ElapsedMilliseconds} ms; series with another method: {before.Count} before, {after.Count} after; /metrics {sizeBefore} then {sizeAfter} bytes");
        Assert.True(after.SetEquals(before), $"{after.Count - before.Count} new series; /metrics grew from {sizeBefore} to {sizeAfter} bytes; {methods.Count} requests in {watch.ElapsedMilliseconds} ms");
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

    private static async Task<HashSet<string>> OddMethodSeriesAsync(VaultHarness vault)
    {
        var series = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in (await MetricsTextAsync(vault)).Split('\n'))
        {
            if (line.StartsWith('#') || MethodLabel().Match(line) is not { Success: true } match || Served.Contains(match.Groups[1].Value, StringComparer.Ordinal))
                continue;
            series.Add(line[..line.LastIndexOf(' ')]);
        }
        return series;
    }

    private static async Task<string> MetricsTextAsync(VaultHarness vault)
    {
        using var response = await vault.Http.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [GeneratedRegex("""[{,]method="([^"]*)""")]
    private static partial Regex MethodLabel();
}
