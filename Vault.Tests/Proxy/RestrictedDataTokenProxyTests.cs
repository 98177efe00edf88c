using System.Net;
using System.Text.Json;
using Vault.AmazonSimulator.SpApi;
using Vault.Tests.Sellers;
using Vault.Tests.Support;

namespace Vault.Tests.Proxy;

/// <summary>
/// Restricted Data Tokens are the vault's to mint and keep: the Tokens API is closed to callers (issue 13, defect 6),
/// and the caller opts in to an RDT for a report document, whose type the vault cannot see.
/// </summary>
public class RestrictedDataTokenProxyTests
{
    private const string ReportHeader = "x-vault-restricted-report";

    [Fact]
    public async Task TheProxyRefusesToHandOutARestrictedDataToken()
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");

        using var response = await vault.SendAsync(HttpMethod.Post, "/v1/sellers/seller-1/sp-api/tokens/2021-03-01/restrictedDataToken", seeded.Secret,
            new { restrictedResources = new[] { new { method = "GET", path = "/orders/v0/orders/{orderId}/address" } } });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", "path");
        Assert.Contains("mints Restricted Data Tokens itself", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Atz.sprdt|", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(vault.Simulator.State.Calls.Snapshot());
        Assert.Equal(0, vault.Simulator.State.RestrictedDataTokens.Count);
    }

    [Theory]
    [InlineData("/v1/sellers/seller-1/sp-api/Tokens/2021-03-01/restrictedDataToken")]
    [InlineData("/v1/sellers/seller-1/sp-api/tok%65ns/2021-03-01/restrictedDataToken")]
    [InlineData("/v1/sellers/seller-1/sp-api/tokens/2021-03-01/restrictedDataToken?x=1")]
    public async Task NoSpellingOfTheTokensApiGetsThrough(string target)
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");

        var status = await RawHttp.StatusAsync(vault.BaseAddress, target, [$"Authorization: Bearer {vault.Jwt()}", $"x-amazon-token-secret: {seeded.Secret}"]);

        Assert.Equal(400, status);
        Assert.Empty(vault.Simulator.State.Calls.Snapshot());
    }

    [Fact]
    public async Task AReportDocumentOfARestrictedTypeIsFetchedWithAnRdtWhenTheCallerSaysSo()
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        var path = $"/v1/sellers/seller-1/sp-api/reports/2021-06-30/documents/{ReportsApi.RestrictedDocumentId}";

        using var plain = await vault.SendAsync(HttpMethod.Get, path, seeded.Secret);
        using var request = vault.Request(HttpMethod.Get, path, seeded.Secret);
        request.Headers.Add(ReportHeader, "true");
        using var restricted = await vault.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, plain.StatusCode); // Amazon's own refusal, passed through
        Assert.Equal(HttpStatusCode.OK, restricted.StatusCode);
        Assert.Equal(ReportsApi.RestrictedDocumentId, JsonDocument.Parse(await restricted.Content.ReadAsStringAsync()).RootElement.GetProperty("reportDocumentId").GetString());
        var calls = vault.Simulator.State.Calls.Snapshot();
        Assert.Single(calls, c => c.PathAndQuery.StartsWith("/tokens/2021-03-01/restrictedDataToken", StringComparison.Ordinal));
        Assert.DoesNotContain(ReportHeader, calls[^1].HeaderNames, StringComparer.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/v1/sellers/seller-1/sp-api/reports/2021-06-30/documents/amzn1.spdoc.1.4.na.x", "yes")]
    [InlineData("/v1/sellers/seller-1/sp-api/reports/2021-06-30/documents/amzn1.spdoc.1.4.na.x", "")]
    [InlineData("/v1/sellers/seller-1/sp-api/orders/v0/orders?MarketplaceIds=ATVPDKIKX0DER", "true")]
    [InlineData("/v1/sellers/seller-1/ads/v2/profiles", "true")]
    public async Task TheRestrictedReportHeaderIsRefusedWhereItMeansNothingOrSaysNothing(string path, string value)
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        using var request = vault.Request(HttpMethod.Get, path, seeded.Secret);
        request.Headers.TryAddWithoutValidation(ReportHeader, value);

        using var response = await vault.Http.SendAsync(request);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_request", ReportHeader);
        Assert.Empty(vault.Simulator.State.Calls.Snapshot());
    }
}
