using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.OpenApi;
using Vault.Api.Sellers;
using Vault.Api.Errors;
using Vault.Api.Observability;

namespace Vault.Api.OpenApi;

/// <summary>
/// The OpenAPI document at /openapi/v1.json: the management API with its request bodies, answers, problems, the
/// bearer JWT and the secret headers, precise enough for a client generator (Vault.Tests/Contract compiles one).
/// docs/API.md stays the full contract; the proxy and the browser side of OAuth are only named in the description.
/// </summary>
public static class OpenApiExtensions
{
    public const string BearerScheme = "Bearer";

    private const string Description = $"""
        The management API of the Amazon token vault. The full contract, with every error code, is {Problems.ContractUrl}.

        Every operation needs `Authorization: Bearer <JWT>` with the scope it names. Operations that open or seal a
        refresh token also need the seller's secret in `x-amazon-token-secret`. Every error is `application/problem+json`
        with a stable `code` and the `requestId` that the `x-request-id` header also carries.

        Not described as operations here:
        - the proxied Amazon calls, `ANY /v1/sellers/{"{sellerId}"}/sp-api/{"{path}"}` and `ANY /v1/sellers/{"{sellerId}"}/ads/{"{path}"}`
          (scope `amazon:call`, the secret header): the request and answer are Amazon's own, as its SP-API and Ads API
          models describe them, with the vault's prefix in place of Amazon's host;
        - the seller's browser side of OAuth, `GET /oauth/start` and `GET /oauth/callback`;
        - `GET /healthz`, `GET /readyz` and `GET /metrics`.
        """;

    /// <summary>What a request body's fields must be; the handlers check the same and answer invalid_request.</summary>
    private static readonly Dictionary<Type, RequestField[]> RequestFields = new()
    {
        [typeof(AuthorizationsApi.StartRequest)] =
        [
            new("api", true, "The Amazon API to connect."),
            new("region", true, "The seller's Amazon region."),
            new("redirectUrl", true, "Where the seller's browser returns: https (http only on loopback), its origin in ALLOWED_REDIRECT_ORIGINS."),
            new("marketplaceId", false, "SP-API only: an Amazon marketplace id of that region; picks the Seller Central host of the consent page."),
        ],
        [typeof(ConnectionImportApi.ImportRequest)] =
        [
            new("region", true, "The seller's Amazon region."),
            new("refreshToken", false, "A refresh token the WMS holds (self-authorized app): 1-2048 printable ASCII characters. Send this or dataBorderBlob."),
            new("dataBorderBlob", false, "A Data Border record (docs/FORMAT.md \"Format databorder\") that opens with the secret. Send this or refreshToken."),
        ],
    };

    private sealed record RequestField(string Name, bool Required, string Description);

    /// <summary>Named value sets, one component each, so a generator makes one enum of each and not one per operation.</summary>
    private static readonly Dictionary<string, (string Schema, string[] Values)> ValueSets = new(StringComparer.Ordinal)
    {
        ["api"] = ("Api", ["sp-api", "ads"]),
        ["region"] = ("Region", ["na", "eu", "fe"]),
    };

    public static IServiceCollection AddVaultOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer(DescribeDocument);
        options.AddOperationTransformer(DescribeOperation);
        options.AddSchemaTransformer(DescribeSchema);
    });

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo { Title = "Amazon token vault", Version = "v1", Description = Description };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A JWT of the WMS: HS256 with JWT_SECRET, or RS256/ES256 from JWKS_ENDPOINT; its `scope` claim lists the scopes (docs/API.md \"Callers and credentials\").",
        };
        ReferenceValueSets(document);
        return Task.CompletedTask;
    }

    private static async Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var scopes = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count > 0 && context.Document is { } document)
        {
            // OpenAPI 3.1 lets a non-OAuth requirement list role names: here, the scopes the JWT must carry.
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = scopes }];
            operation.Description = Join(operation.Description, $"Scope: `{string.Join("`, `", scopes)}`.");
        }
        operation.Parameters ??= [];
        // The seller routes' path values reach their handlers through a bound lead-in (SellerRoute), not as parameters.
        var described = operation.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var missing = RoutePatternFactory.Parse(context.Description.RelativePath ?? "").Parameters.Where(p => !described.Contains(p.Name));
        foreach (var (parameter, at) in missing.Select((p, at) => (p, at)))
            operation.Parameters.Insert(at, new OpenApiParameter { Name = parameter.Name, In = ParameterLocation.Path, Required = true, Schema = new OpenApiSchema { Type = JsonSchemaType.String } });
        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Path))
            parameter.Schema = PathSchema(parameter.Name) ?? parameter.Schema;
        foreach (var header in metadata.OfType<HeaderParameterMetadata>())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name, In = ParameterLocation.Header, Required = true, Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = Vault.Crypto.SellerSecret.MaxLength },
            });
        }
        foreach (var query in metadata.OfType<QueryParameterMetadata>())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = query.Name, In = ParameterLocation.Query, Required = false, Description = query.Description,
                Schema = new OpenApiSchema { Type = query.IsInteger ? JsonSchemaType.Integer : JsonSchemaType.String, Format = query.Format },
            });
        }
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is OpenApiResponse problem && problem.Content?.ContainsKey("application/problem+json") == true)
                problem.Description = $"{problem.Description}: a problem whose `code` says why ({Problems.ContractUrl}#errors).";
            if (response is OpenApiResponse limited && status is "429" or "503")
            {
                limited.Headers ??= new Dictionary<string, IOpenApiHeader>();
                limited.Headers["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before retrying.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } };
            }
        }
        if (metadata.OfType<JsonBodyMetadata>().FirstOrDefault() is { } body)
            operation.RequestBody = await JsonRequestBody(body.Type, context, ct);
    }

    private static async Task<OpenApiRequestBody> JsonRequestBody(Type type, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        IOpenApiSchema schema = await context.GetOrCreateSchemaAsync(type, null, ct);
        if (context.Document is { } document)
        {
            // A component, as the framework makes for the answers' types, so a generator names one class for it.
            if (document.Components?.Schemas?.ContainsKey(type.Name) != true)
                document.AddComponent(type.Name, schema);
            schema = new OpenApiSchemaReference(type.Name, document);
        }
        return new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
        };
    }

    private static OpenApiSchema? PathSchema(string? name) => name switch
    {
        "sellerId" => new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = Identifiers.MaxLength, Pattern = "^[A-Za-z0-9._:-]+$" },
        "api" => Enumeration(ValueSets["api"].Values),
        _ => null,
    };

    /// <summary>
    /// Replaces each inline enumeration of a named value set (in parameters and in component properties) by a
    /// reference to one component, once every schema exists: document transformers run after the operations'.
    /// </summary>
    private static void ReferenceValueSets(OpenApiDocument document)
    {
        foreach (var (id, values) in ValueSets.Values)
        {
            IOpenApiSchema? Reference(IOpenApiSchema? schema) =>
                schema is OpenApiSchema { Enum: { } found } inline && found.Select(v => v?.GetValue<string>()).SequenceEqual(values)
                    ? new OpenApiSchemaReference(id, document) { Description = inline.Description }
                    : schema;

            document.AddComponent<IOpenApiSchema>(id, Enumeration(values));
            foreach (var component in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
            {
                foreach (var name in component.Properties?.Keys.ToList() ?? [])
                    component.Properties![name] = Reference(component.Properties[name])!;
            }
            var operations = document.Paths.Values.SelectMany(path => path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>());
            foreach (var parameter in operations.SelectMany(o => o.Parameters ?? []).OfType<OpenApiParameter>())
                parameter.Schema = Reference(parameter.Schema);
        }
    }

    private static Task DescribeSchema(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        // The web JSON options also read numbers from strings; the vault always writes numbers, so say just that.
        if (schema.Type is { } kinds && kinds.HasFlag(JsonSchemaType.String) && (kinds.HasFlag(JsonSchemaType.Integer) || kinds.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = kinds & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
        if (type == typeof(ProblemDetails))
            DescribeProblem(schema);
        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Required is { } required)
        {
            // A property left out when null is not required: a generated client must accept it absent.
            foreach (var property in context.JsonTypeInfo.Properties.Where(OmittedWhenNull))
                required.Remove(property.Name);
        }
        if (RequestFields.TryGetValue(type, out var fields))
            DescribeRequest(schema, fields);
        return Task.CompletedTask;
    }

    private static bool OmittedWhenNull(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), true).OfType<JsonIgnoreAttribute>()
            .Any(a => a.Condition == JsonIgnoreCondition.WhenWritingNull) == true;

    private static void DescribeProblem(OpenApiSchema schema)
    {
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Stable, machine-readable: docs/API.md \"Errors\" lists every code." };
        schema.Properties["requestId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The x-request-id of the answer, for the logs." };
        schema.Properties["retryAfterSeconds"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Description = "With 429 and 503: the Retry-After header, in the body." };
        schema.Required ??= new HashSet<string>();
        schema.Required.Add("code");
        schema.Required.Add("requestId");
    }

    private static void DescribeRequest(OpenApiSchema schema, RequestField[] fields)
    {
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Required ??= new HashSet<string>();
        schema.Required.Clear();
        foreach (var field in fields)
        {
            var property = ValueSets.TryGetValue(field.Name, out var set) ? Enumeration(set.Values) : new OpenApiSchema { Type = JsonSchemaType.String };
            property.Description = field.Description;
            schema.Properties[field.Name] = property;
            if (field.Required)
                schema.Required.Add(field.Name);
        }
    }


    private static OpenApiSchema Enumeration(string[] values) =>
        new() { Type = JsonSchemaType.String, Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))] };

    private static string Join(string? first, string second) => string.IsNullOrEmpty(first) ? second : first + "\n\n" + second;
}
