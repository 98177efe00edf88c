using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Vault.Tests.Simulator;
using Vault.Tests.Support;

namespace Vault.Tests.OAuth;

/// <summary>Plays the WMS and the seller's browser through the OAuth flow, one hop at a time, cookies by hand.</summary>
public sealed class OAuthBrowser(VaultHarness vault)
{
    public string? Cookie { get; private set; }

    /// <summary>The WMS's POST; returns the authorizeUrl.</summary>
    public async Task<Uri> AuthorizeUrlAsync(string sellerId, string secret, string api, string region, string? marketplaceId = null, string redirectUrl = VaultHarness.WmsOrigin + "/amazon/done")
    {
        using var response = await vault.SendAsync(HttpMethod.Post, $"/v1/sellers/{sellerId}/authorizations", secret,
            new { api, region, redirectUrl, marketplaceId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new Uri(body.GetProperty("authorizeUrl").GetString()!);
    }

    /// <summary>The browser opens authorizeUrl: the vault sets its cookie and sends it to Amazon's consent page.</summary>
    public async Task<HttpResponseMessage> StartAsync(Uri authorizeUrl)
    {
        var response = await vault.Http.GetAsync(authorizeUrl);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
            Cookie = cookies.Select(c => c.Split(';')[0]).FirstOrDefault(c => c.StartsWith("vault_oauth=", StringComparison.Ordinal));
        return response;
    }

    /// <summary>The seller clicks a button on Amazon's page; returns Amazon's redirect to the vault's callback.</summary>
    public async Task<Uri> ConsentAsync(Uri consentUrl, string button)
    {
        var page = vault.Simulator.BaseAddress.MakeRelativeUri(consentUrl);
        using var response = await ConsentForms.ClickAsync(vault.Simulator, new Uri(vault.Simulator.BaseAddress, page), button);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.Location!;
    }

    /// <summary>Amazon's redirect lands on the vault's callback with whatever cookie the browser holds.</summary>
    public async Task<HttpResponseMessage> CallbackAsync(Uri callback, string? cookie = "", CancellationToken ct = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, callback);
        var sent = cookie == "" ? Cookie : cookie;
        if (sent is not null)
            request.Headers.Add("Cookie", sent);
        return await vault.Http.SendAsync(request, ct);
    }

    /// <summary>The whole flow with Allow or Deny; returns the vault's final response.</summary>
    public async Task<HttpResponseMessage> RunAsync(string sellerId, string secret, string api, string region, string button = "allow", string? marketplaceId = null)
    {
        var start = await StartAsync(await AuthorizeUrlAsync(sellerId, secret, api, region, marketplaceId));
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var callback = await ConsentAsync(start.Headers.Location!, button);
        return await CallbackAsync(callback);
    }

    public static Dictionary<string, string> Query(Uri uri) =>
        QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
}
