using System.Diagnostics;
using System.Net;
using Vault.Tests.Auth;
using Vault.Tests.Support;
using Xunit.Abstractions;

namespace Vault.Tests.Acceptance;

/// <summary>
/// Issue 6, item 1: the bad input catalogue (<see cref="BadInputCases"/>) against a running vault. Every case gets
/// exactly the status and code docs/API.md promises, a problem body without stack traces, no 500 anywhere, and the whole
/// catalogue writes nothing: all rows of connections, audit_log and oauth_one_time are the same before and after,
/// no call reached the Amazon simulator and no key URL named in a token was fetched.
/// </summary>
public class BadInputCatalogueTests(ITestOutputHelper output)
{
    public const int MinimumCases = 80;

    [Fact]
    public void TheCatalogueHoldsAtLeast80DistinctCases()
    {
        Assert.True(BadInputCases.All.Count >= MinimumCases, $"only {BadInputCases.All.Count} cases");
        var duplicates = BadInputCases.All.GroupBy(c => c.ToString()).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, "duplicate case names: " + string.Join(", ", duplicates));
        output.WriteLine($"{BadInputCases.All.Count} cases: " + string.Join(", ", BadInputCases.All.GroupBy(c => c.Area).Select(g => $"{g.Key} {g.Count()}")) +
            "; answered by " + string.Join(", ", BadInputCases.All.GroupBy(c => c.Answerer).Select(g => $"{g.Key} {g.Count()}")));
    }

    [Trait("Category", "Slow")] // 225 raw exchanges
    [Fact]
    public async Task EveryBadRequestOfTheCatalogueIsRefusedAsApiMdSaysWithoutA500OrAWrite()
    {
        await using var keyServer = await JwksServer.StartAsync();
        await using var vault = await VaultHarness.StartAsync(BadInputCatalogueContext.Configure);
        var context = await BadInputCatalogueContext.CreateAsync(vault, keyServer);
        var amazonCallsBefore = vault.Simulator.State.Calls.Snapshot().Count;
        var tokenCallsBefore = vault.Simulator.State.Calls.TokenCallsByGrantType.Values.Sum();
        var before = await VaultRows.ReadAsync(vault.DatabasePath);

        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        foreach (var badInput in BadInputCases.All)
        {
            var quiet = badInput.Raw is null ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(3);
            var exchange = await RawHttpExchange.SendAsync(vault.BaseAddress, badInput.Encode(context.Fill, vault.BaseAddress.Authority), quiet);
            foreach (var response in exchange.Responses)
                statuses[response.Status] = statuses.GetValueOrDefault(response.Status) + 1;
            var problems = await CheckAsync(badInput, exchange, context);
            failures.AddRange(problems.Select(p => $"{badInput}: {p}"));
        }
        clock.Stop();

        var after = await VaultRows.ReadAsync(vault.DatabasePath);
        output.WriteLine($"{BadInputCases.All.Count} cases in {clock.Elapsed.TotalSeconds:F1} s; statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}; " +
            $"{before.Count} rows before and after");
        Assert.True(failures.Count == 0, $"{failures.Count} of {BadInputCases.All.Count} cases failed:\n" + string.Join("\n", failures));
        Assert.DoesNotContain(500, statuses.Keys);
        Assert.True(before.SameAs(after), "the catalogue wrote to the database:\n" + before.Diff(after));
        Assert.Equal(amazonCallsBefore, vault.Simulator.State.Calls.Snapshot().Count);
        Assert.Equal(tokenCallsBefore, vault.Simulator.State.Calls.TokenCallsByGrantType.Values.Sum());
        Assert.Empty(keyServer.Requests);

        // And the vault still serves the seller the wrong-secret cases aimed at, and the one the others did.
        using var verify = await vault.SendAsync(HttpMethod.Post, $"/v1/sellers/{BadInputCases.Seeded}/connections/sp-api/verify",
            context.Values["SECRET1"], jwt: context.Values["JWT"]);
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
    }

    /// <summary>
    /// Outside the catalogue because a streamed body is only found to be broken after the call to Amazon has begun (the
    /// access token is minted first, which may touch last_used_at): the caller's framing error is still the caller's 400,
    /// never a 502 blamed on Amazon, and the hidden second request is not answered.
    /// </summary>
    [Theory]
    [InlineData("zz")]
    [InlineData("1ffffffffffffffff")]
    [InlineData("1")]
    public async Task AMalformedChunkedBodyOnAProxiedCallIsTheCallers400(string chunkSize)
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1", "ads");
        var request = $"POST /v1/sellers/seller-1/ads/sp/campaigns/list HTTP/1.1\r\nHost: {vault.BaseAddress.Authority}\r\nAuthorization: Bearer {vault.Jwt()}\r\n" +
            $"x-amazon-token-secret: {seeded.Secret}\r\nAmazon-Advertising-API-Scope: 1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
            $"{chunkSize}\r\n{{}}\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: {vault.BaseAddress.Authority}\r\n\r\n";

        var exchange = await RawHttpExchange.SendAsync(vault.BaseAddress, System.Text.Encoding.ASCII.GetBytes(request), TimeSpan.FromSeconds(5));

        var response = Assert.Single(exchange.Responses);
        Assert.True(exchange.ClosedByServer);
        Assert.True(response.Status == 400, $"got {response.Status}: {response.BodyText}");
        if (response.MediaType == "application/problem+json")
        {
            using var message = ToMessage(response);
            await ProblemAssert.IsAsync(message, HttpStatusCode.BadRequest, "invalid_request");
        }
    }

    private static async Task<List<string>> CheckAsync(BadInputCase badInput, RawHttpExchangeResult exchange, BadInputCatalogueContext context)
    {
        var problems = new List<string>();
        if (exchange.First is not { } response)
        {
            problems.Add($"no response (closed: {exchange.ClosedByServer}, unparsed: {Shorten(exchange.Unparsed)})");
            return problems;
        }
        var body = response.BodyText;
        if (response.Status != badInput.Status)
            problems.Add($"expected {badInput.Status} {badInput.Code}, got {response.Status} {response.MediaType}: {Shorten(body)}");
        if (exchange.Responses.Count != 1)
            problems.Add($"{exchange.Responses.Count} responses on one connection: " +
                string.Join(" | ", exchange.Responses.Select(r => $"{r.Status} {r.MediaType} {Shorten(r.BodyText)}")));
        if (!exchange.ClosedByServer)
            problems.Add("the connection was left open");
        foreach (var answer in exchange.Responses)
        {
            if (answer.Status >= 500)
                problems.Add($"a {answer.Status}");
            if (answer.BodyText.Contains("   at ", StringComparison.Ordinal) || answer.BodyText.Contains("Exception", StringComparison.Ordinal))
                problems.Add("a stack trace or exception text in the body: " + Shorten(answer.BodyText));
            foreach (var secret in context.Secrets)
            {
                if (answer.BodyText.Contains(secret, StringComparison.Ordinal) || answer.Headers.Any(h => h.Value.Contains(secret, StringComparison.Ordinal)))
                    problems.Add("the answer repeats a token, secret, ticket or code the request sent");
            }
        }
        if (problems.Count > 0)
            return problems;

        switch (badInput.Answerer)
        {
            case Answerer.Vault:
                try
                {
                    using var message = ToMessage(response);
                    await ProblemAssert.IsAsync(message, (HttpStatusCode)badInput.Status, badInput.Code!);
                }
                catch (Exception e) when (e is Xunit.Sdk.XunitException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    problems.Add(e.Message.ReplaceLineEndings(" ") + " " + Shorten(body));
                }
                break;
            case Answerer.OAuthPage:
                if (response.MediaType != "text/html")
                    problems.Add($"expected the plain HTML page, got {response.MediaType}");
                if (response.Header("Location") is { } location)
                    problems.Add("redirected to " + location);
                break;
            case Answerer.Kestrel:
                break;
        }
        return problems;
    }

    /// <summary>The raw answer as an HttpResponseMessage, so the problem checks of the Auth tests apply unchanged.</summary>
    private static HttpResponseMessage ToMessage(RawHttpResponse response)
    {
        var message = new HttpResponseMessage((HttpStatusCode)response.Status) { Content = new ByteArrayContent(response.Body) };
        foreach (var (name, value) in response.Headers)
        {
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                message.Content.Headers.TryAddWithoutValidation(name, value);
            else
                message.Headers.TryAddWithoutValidation(name, value);
        }
        return message;
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
