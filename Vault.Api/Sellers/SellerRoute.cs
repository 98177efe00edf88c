using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Amazon;
using Vault.Api.Auth;

namespace Vault.Api.Sellers;

/// <summary>
/// The seller (and Amazon API) a /v1/sellers/{sellerId}/… request names, checked against docs/API.md "Identifiers"
/// before anything is looked up, with the caller's tenant and audit identity. Bound as a handler parameter; a value
/// that fails its check is answered by <see cref="LeadIn"/> before the handler runs.
/// </summary>
public sealed class SellerRoute : ILeadIn
{
    private readonly string? _sellerId;
    private readonly AmazonApi? _api;

    private SellerRoute(string tenant, string? sellerId, AmazonApi? api, AuditActor caller, ProblemHttpResult? problem)
    {
        Tenant = tenant;
        _sellerId = sellerId;
        _api = api;
        Caller = caller;
        Problem = problem;
    }

    public string Tenant { get; }

    public string SellerId => Problem is null ? _sellerId! : throw Unchecked();

    /// <summary>The route's {api}, or the API a proxy endpoint is mapped for (its <see cref="AmazonApi"/> metadata).</summary>
    public AmazonApi Api => Problem is null ? _api ?? throw new InvalidOperationException("this route names no Amazon API") : throw Unchecked();

    public AuditActor Caller { get; }

    public ProblemHttpResult? Problem { get; }

    public static ValueTask<SellerRoute?> BindAsync(HttpContext context, ParameterInfo parameter) => ValueTask.FromResult<SellerRoute?>(Read(context));

    public static SellerRoute Read(HttpContext context)
    {
        var sellerId = context.GetRouteValue("sellerId") as string;
        var apiName = context.GetRouteValue("api") as string;
        var api = apiName is null ? context.GetEndpoint()?.Metadata.GetMetadata<AmazonApi>() : AmazonApi.Find(apiName);
        var problem = Identifiers.CheckSellerId(sellerId)
            ?? (apiName is not null && api is null ? Identifiers.UnknownApi() : null);
        return new SellerRoute(context.User.Tenant(), sellerId, api, AuditActor.Of(context), problem);
    }

    /// <summary>An audit row about this seller (and the route's API, when it names one).</summary>
    public Storage.AuditEvent Event(string action, string? region = null, string? detail = null, string? api = null) =>
        Caller.Event(Tenant, action, SellerId, api ?? _api?.Name, region, detail);

    private static InvalidOperationException Unchecked() => new("the seller route failed its check; the lead-in filter answers it before any handler");
}
