using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Vault.Api.Errors;

namespace Vault.Api.Observability;

/// <summary>
/// JSON logs with the request id in scope; this app's metrics on /metrics (PrometheusExport); OpenTelemetry tracing when the
/// standard OTEL_ variables ask for it. ASP.NET Core's and YARP's per-request information logs (and the redirect
/// results') are off: they print full URLs, and the OAuth URLs carry tickets, states and authorization codes.
/// </summary>
public static class ObservabilityExtensions
{
    public static WebApplicationBuilder AddVaultObservability(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json =>
        {
            json.IncludeScopes = true;
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        // "Executing RedirectResult, redirecting to …" prints the consent URL with the OAuth state in it.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<VaultMetrics>();
        builder.Services.AddSingleton<PrometheusExport>();

        if (TracingRequested(builder.Configuration))
        {
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "amazon-token-vault"))
                .WithTracing(tracing => tracing
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments("/metrics"))
                    .AddSource("System.Net.Http")
                    .AddOtlpExporter());
        }
        return builder;
    }

    /// <summary>The standard switch: an OTLP endpoint, or OTEL_TRACES_EXPORTER=otlp.</summary>
    public static bool TracingRequested(IConfiguration config) =>
        !string.IsNullOrEmpty(config["OTEL_EXPORTER_OTLP_ENDPOINT"]) || !string.IsNullOrEmpty(config["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"])
        || string.Equals(config["OTEL_TRACES_EXPORTER"], "otlp", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Kestrel accepts any token as a method: "Q1 /healthz", "Q2 /healthz", … reach every middleware, without bound and
    /// without credentials (ASP.NET Core's request metrics count them all as method "_OTHER"). Only the methods the vault
    /// serves go further; any other (including "get": methods are case-sensitive) is 405 before routing.
    /// </summary>
    public static IApplicationBuilder UseServedMethodsOnly(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (IsServed(context.Request.Method))
            {
                await next(context);
                return;
            }
            await Problems.Create(StatusCodes.Status405MethodNotAllowed, "method_not_allowed", "Method not allowed",
                "the vault serves GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS only").ExecuteAsync(context);
        });

    /// <summary>Ordinal: Kestrel hands the known methods over as their interned upper-case strings.</summary>
    public static bool IsServed(string method) => method switch
    {
        "GET" or "HEAD" or "POST" or "PUT" or "PATCH" or "DELETE" or "OPTIONS" => true,
        _ => false,
    };

    public static IEndpointRouteBuilder MapVaultMetrics(this IEndpointRouteBuilder app)
    {
        // Resolved now, not at the first scrape: its listener must be there for the first request.
        var export = app.ServiceProvider.GetRequiredService<PrometheusExport>();
        app.MapGet("/metrics", export.WriteAsync).ExcludeFromDescription();
        return app;
    }
}
