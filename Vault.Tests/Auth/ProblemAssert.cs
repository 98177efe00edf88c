using System.Net;
using System.Text.Json;

namespace Vault.Tests.Auth;

/// <summary>Checks an error answer against docs/API.md "Errors": the status, the stable code and the whole problem shape.</summary>
public static class ProblemAssert
{
    public const string TypeBase = "https://github.com/amazon-token-vault/vault/blob/main/docs/API.md#error-";

    public static async Task<JsonElement> IsAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Equal(TypeBase + code.Replace('_', '-'), body.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        Assert.False(string.IsNullOrEmpty(requestId));
        Assert.Equal(requestId, body.GetProperty("requestId").GetString());
        Assert.False(body.TryGetProperty("exception", out _));
        if (status == HttpStatusCode.Unauthorized)
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
        return body;
    }

    /// <summary>A 401 that names nothing the caller sent: the token never comes back in the body.</summary>
    public static async Task UnauthenticatedAsync(HttpResponseMessage response, string? token = null)
    {
        var body = await IsAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        if (token is { Length: > 0 })
            Assert.DoesNotContain(token, body.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>A 400 invalid_request whose detail names the field at fault.</summary>
    public static async Task InvalidRequestAsync(HttpResponseMessage response, string field)
    {
        var body = await IsAsync(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.StartsWith(field + ":", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
