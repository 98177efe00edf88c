using System.Text.Json;

namespace Vault.AmazonSimulator.SpApi;

public sealed record RestrictedDataTokenResponse(string RestrictedDataToken, int ExpiresIn);

/// <summary>
/// Tokens API 2021-03-01, createRestrictedDataToken:
/// https://developer-docs.amazon.com/sp-api/docs/tokens-api-v2021-03-01-reference
/// </summary>
public static class TokensApi
{
    private static readonly HashSet<string> Methods = new(StringComparer.Ordinal) { "GET", "PUT", "POST", "DELETE" };

    private static readonly HashSet<string> DataElements = new(StringComparer.Ordinal)
    {
        "buyerInfo", "shippingAddress", "buyerTaxInformation",
    };

    public static RouteGroupBuilder MapTokens(this RouteGroupBuilder sp)
    {
        ArgumentNullException.ThrowIfNull(sp);
        sp.MapPost("/tokens/2021-03-01/restrictedDataToken", CreateAsync).WithMetadata(SpApiOperations.CreateRestrictedDataToken);
        return sp;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, SimulatorState state)
    {
        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return SpApiErrors.InvalidInput("The request body is not valid JSON.");
        }

        using (body)
        {
            var (resources, error) = Parse(body.RootElement);
            if (error is not null)
            {
                return SpApiErrors.InvalidInput(error);
            }

            var caller = http.Caller();
            var token = state.RestrictedDataTokens.Issue(caller.ClientId, caller.SellingPartnerId, resources);
            return Results.Json(new RestrictedDataTokenResponse(token, (int)RestrictedDataTokens.Lifetime.TotalSeconds));
        }
    }

    private static (IReadOnlyList<RestrictedResource> Resources, string? Error) Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("restrictedResources", out var list)
            || list.ValueKind != JsonValueKind.Array
            || list.GetArrayLength() == 0)
        {
            return ([], "restrictedResources must be a non-empty array.");
        }

        var resources = new List<RestrictedResource>();
        foreach (var item in list.EnumerateArray())
        {
            var (resource, error) = ParseResource(item);
            if (resource is null)
            {
                return ([], error);
            }

            resources.Add(resource);
        }

        return (resources, null);
    }

    private static (RestrictedResource? Resource, string? Error) ParseResource(JsonElement item)
    {
        var method = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()! : null;
        var path = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String
            ? p.GetString()! : null;
        if (method is null || !Methods.Contains(method) || path is null || !path.StartsWith('/'))
        {
            return (null, "Each restricted resource needs a method (GET, PUT, POST, DELETE) and a path starting with /.");
        }

        // Only paths of restricted operations can be named, concrete or with their {placeholders}.
        var operation = SpApiOperations.All.FirstOrDefault(o =>
            o.Restriction != Restriction.None
            && string.Equals(o.Method, method, StringComparison.Ordinal)
            && (SpApiPaths.Match(o.PathTemplate, path) || string.Equals(o.PathTemplate, path, StringComparison.Ordinal)));
        if (operation is null)
        {
            return (null, $"{method} {path} is not a restricted operation.");
        }

        List<string>? elements = null;
        if (item.TryGetProperty("dataElements", out var de))
        {
            elements = de.ValueKind == JsonValueKind.Array && de.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
                ? [.. de.EnumerateArray().Select(e => e.GetString()!)]
                : null;
            if (elements is null || elements.Count == 0 || elements.Any(e => !DataElements.Contains(e)))
            {
                return (null, $"Invalid dataElements for {method} {path}.");
            }
        }

        // getReportDocument takes an RDT only for one specific document, never {reportDocumentId}.
        if (operation.Restriction == Restriction.ReportType && (elements is not null || path.Split('/').Any(SpApiPaths.IsPlaceholder)))
        {
            return (null, $"{method} {path}: name a specific report document, without dataElements.");
        }

        // getOrder and getOrders only return PII for the data elements named in the token.
        if (operation.Restriction == Restriction.Optional && elements is null)
        {
            return (null, $"dataElements is required for {method} {path}.");
        }

        return (new RestrictedResource(method, path, elements), null);
    }
}
