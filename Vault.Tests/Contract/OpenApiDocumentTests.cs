using System.Text.Json;
using Vault.Tests.Support;

namespace Vault.Tests.Contract;

/// <summary>
/// Issue 13: /openapi/v1.json describes each management operation of docs/API.md with its body, answers, problems,
/// scope and secret headers (GeneratedClientTests shows a generated client works; this is the quick check).
/// </summary>
public sealed class OpenApiDocumentTests
{
    /// <summary>operationId: method, path, scope, the secret headers it needs, its JSON body and success statuses.</summary>
    private static readonly Dictionary<string, (string Method, string Path, string Scope, string[] Secrets, string? Body, string[] Success)> Operations = new()
    {
        ["StartAuthorization"] = ("post", "/v1/sellers/{sellerId}/authorizations", "connections:write", [Secret], "StartRequest", ["201"]),
        ["ImportConnection"] = ("put", "/v1/sellers/{sellerId}/connections/{api}", "connections:write", [Secret], "ImportRequest", ["200", "201"]),
        ["ListSellers"] = ("get", "/v1/sellers", "connections:read", [], null, ["200"]),
        ["GetSeller"] = ("get", "/v1/sellers/{sellerId}", "connections:read", [], null, ["200"]),
        ["DeleteSeller"] = ("delete", "/v1/sellers/{sellerId}", "connections:write", [], null, ["200"]),
        ["VerifyConnection"] = ("post", "/v1/sellers/{sellerId}/connections/{api}/verify", "connections:read", [Secret], null, ["200"]),
        ["ExportConnection"] = ("get", "/v1/sellers/{sellerId}/connections/{api}/export", "connections:write", [Secret], null, ["200"]),
        ["DeleteConnection"] = ("delete", "/v1/sellers/{sellerId}/connections/{api}", "connections:write", [], null, ["200"]),
        ["RotateSecret"] = ("post", "/v1/sellers/{sellerId}/secret-rotation", "connections:write", [Secret, "x-amazon-token-secret-new"], null, ["200"]),
        ["ListAuditEvents"] = ("get", "/v1/audit", "audit:read", [], null, ["200"]),
        ["ListEvents"] = ("get", "/v1/events", "events:read", [], null, ["200"]),
        ["GetEvent"] = ("get", "/v1/events/{id}", "events:read", [], null, ["200"]),
        ["RedeliverEvent"] = ("post", "/v1/events/{id}/redeliver", "events:read", [], null, ["202"]),
    };

    private const string Secret = "x-amazon-token-secret";

    [Fact]
    public async Task TheDocumentDescribesEveryManagementOperationWithItsBodyAnswersScopeAndSecrets()
    {
        await using var vault = await VaultHarness.StartAsync();
        using var document = JsonDocument.Parse(await vault.Http.GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;

        var described = root.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Path: path.Name, Method: op.Name, Operation: op.Value)))
            .ToDictionary(op => op.Operation.GetProperty("operationId").GetString()!);
        Assert.Equal(Operations.Keys.Order(StringComparer.Ordinal), described.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, expected) in Operations)
        {
            var (path, method, operation) = described[id];
            Assert.Equal((expected.Method, expected.Path), (method, path));
            var security = Assert.Single(operation.GetProperty("security").EnumerateArray()).GetProperty("Bearer");
            Assert.Equal([expected.Scope], security.EnumerateArray().Select(s => s.GetString()));

            var headers = operation.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("in").GetString() == "header")
                .Select(p => (p.GetProperty("name").GetString(), p.GetProperty("required").GetBoolean()));
            Assert.Equal(expected.Secrets.Select(s => ((string?)s, true)), headers);

            if (expected.Body is null)
                Assert.False(operation.TryGetProperty("requestBody", out _), id);
            else
                Assert.Equal("#/components/schemas/" + expected.Body,
                    operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());

            var responses = operation.GetProperty("responses");
            foreach (var status in expected.Success)
                Assert.True(responses.GetProperty(status).GetProperty("content").TryGetProperty("application/json", out _), $"{id} {status}");
            foreach (var status in (string[])["400", "401", "403"])
                Assert.Equal("#/components/schemas/ProblemDetails",
                    responses.GetProperty(status).GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
        }

        var components = root.GetProperty("components");
        Assert.Equal("bearer", components.GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());
        var schemas = components.GetProperty("schemas");
        Assert.Equal(["api", "region", "redirectUrl"], schemas.GetProperty("StartRequest").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["code", "requestId"], schemas.GetProperty("ProblemDetails").GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order(StringComparer.Ordinal));
        Assert.Equal(["sp-api", "ads"], schemas.GetProperty("Api").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        // Left out when null, so not required: a strict client must accept the field absent.
        Assert.DoesNotContain("sellingPartnerId", schemas.GetProperty("ConnectionView").GetProperty("required").EnumerateArray().Select(r => r.GetString()));

        var description = root.GetProperty("info").GetProperty("description").GetString()!;
        Assert.Contains("/v1/sellers/{sellerId}/sp-api/{path}", description, StringComparison.Ordinal);
        Assert.Contains("docs/API.md", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DescribingTheBodiesLeavesAWrongContentTypeA400InvalidRequest()
    {
        // Accepts<T> would have made routing answer 415; the vault reads its bodies by hand and names the body.
        await using var vault = await VaultHarness.StartAsync();
        foreach (var (method, path) in (ValueTuple<HttpMethod, string>[])[(HttpMethod.Put, "/v1/sellers/s-1/connections/sp-api"), (HttpMethod.Post, "/v1/sellers/s-1/authorizations")])
        {
            using var request = vault.Request(method, path, Vault.Crypto.SellerSecret.Generate());
            request.Content = new StringContent("region=na", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
            using var response = await vault.Http.SendAsync(request);
            await Auth.ProblemAssert.InvalidRequestAsync(response, "body");
        }
    }
}
