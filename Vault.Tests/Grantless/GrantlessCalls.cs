using System.Net.Http.Json;
using System.Text.Json;
using Vault.Tests.Support;

namespace Vault.Tests.Grantless;

/// <summary>Grantless calls through the vault as one-liners.</summary>
internal static class GrantlessCalls
{
    public const string Scope = "amazon:grantless";

    public static HttpRequestMessage GrantlessRequest(this VaultHarness vault, HttpMethod method, string region, string path, object? json = null, string? jwt = null) =>
        vault.Request(method, $"/v1/grantless/sp-api/{region}{path}", json: json, jwt: jwt ?? vault.Jwt(Scope));

    public static async Task<HttpResponseMessage> GrantlessAsync(this VaultHarness vault, HttpMethod method, string region, string path, object? json = null, string? jwt = null)
    {
        using var request = vault.GrantlessRequest(method, region, path, json, jwt);
        return await vault.Http.SendAsync(request);
    }

    public static async Task<JsonElement> JsonBodyAsync(this HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    public static object SqsDestination(string name, string queue = "queue1") =>
        new { name, resourceSpecification = new { sqs = new { arn = $"arn:aws:sqs:us-east-2:444455556666:{queue}" } } };
}
