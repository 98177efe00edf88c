using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Vault.AmazonSimulator;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Tests.Support;

namespace Vault.Tests.Sellers;

/// <summary>The seller endpoints as one-line calls, and the assertions the seller tests share.</summary>
internal static class SellerCalls
{
    public const string NewSecretHeader = "x-amazon-token-secret-new";

    public static string ClientId(string api) => api == "ads" ? SimulatorOptions.DefaultAdsClientId : SimulatorOptions.DefaultSpApiClientId;

    /// <summary>A refresh token the simulator accepts, as if the seller had self-authorized the app.</summary>
    public static string IssueToken(this VaultHarness vault, string api = "sp-api") => vault.Simulator.State.IssueRefreshToken(ClientId(api)).RefreshToken;

    public static Task<HttpResponseMessage> ImportAsync(this VaultHarness vault, string sellerId, string api, string secret, object body, string? jwt = null) =>
        vault.SendAsync(HttpMethod.Put, $"/v1/sellers/{sellerId}/connections/{api}", secret, body, jwt);

    /// <summary>Imports a fresh simulator token and returns it.</summary>
    public static async Task<string> ConnectAsync(this VaultHarness vault, string sellerId, string secret, string api = "sp-api", string region = "na", string? jwt = null)
    {
        var token = vault.IssueToken(api);
        using var response = await vault.ImportAsync(sellerId, api, secret, new { region, refreshToken = token }, jwt);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return token;
    }

    public static Task<HttpResponseMessage> VerifyAsync(this VaultHarness vault, string sellerId, string api, string secret, string? jwt = null) =>
        vault.SendAsync(HttpMethod.Post, $"/v1/sellers/{sellerId}/connections/{api}/verify", secret, jwt: jwt);

    public static Task<HttpResponseMessage> ExportAsync(this VaultHarness vault, string sellerId, string api, string secret, string? jwt = null) =>
        vault.SendAsync(HttpMethod.Get, $"/v1/sellers/{sellerId}/connections/{api}/export", secret, jwt: jwt);

    public static async Task<HttpResponseMessage> RotateAsync(this VaultHarness vault, string sellerId, string oldSecret, string? newSecret, string? jwt = null)
    {
        using var request = vault.Request(HttpMethod.Post, $"/v1/sellers/{sellerId}/secret-rotation", oldSecret, jwt: jwt);
        if (newSecret is not null)
            request.Headers.Add(NewSecretHeader, newSecret);
        return await vault.Http.SendAsync(request);
    }

    /// <summary>A PUT with a body sent exactly as given.</summary>
    public static async Task<HttpResponseMessage> PutRawAsync(this VaultHarness vault, string path, string secret, string body, string contentType = "application/json")
    {
        using var request = vault.Request(HttpMethod.Put, path, secret);
        request.Content = new StringContent(body, Encoding.UTF8, contentType);
        return await vault.Http.SendAsync(request);
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    public static async Task<JsonElement> OkJsonAsync(this HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    /// <summary>Asserts an docs/API.md problem: status, code, and (when given) the field its detail names first.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(response.Headers.GetValues("x-request-id").Single(), problem.GetProperty("requestId").GetString());
        if (field is not null)
            Assert.StartsWith(field + ":", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        return problem;
    }

    public static int RefreshCalls(this VaultHarness vault) =>
        vault.Simulator.State.Calls.TokenCallsByGrantType.TryGetValue("refresh_token", out var n) ? n : 0;

    /// <summary>Opens the stored row directly, bypassing the API: did the secret really protect it?</summary>
    public static async Task<OpenResult> OpenStoredAsync(this VaultHarness vault, string sellerId, string api, string secret, string tenant = "default")
    {
        var connection = await vault.Store.GetConnectionAsync(tenant, sellerId, api);
        Assert.NotNull(connection);
        using var parsed = SellerSecret.Parse(secret);
        return TokenEnvelope.Open(connection.Format, connection.Blob, parsed, new TokenBinding(tenant, sellerId, api));
    }

    /// <summary>Runs SQL on the vault's own database file from outside the vault (a trigger, say).</summary>
    public static async Task ExecuteSqlAsync(this VaultHarness vault, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = vault.DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
