using System.Reflection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Amazon;
using Vault.Api.Errors;
using Vault.Api.Proxy;
using Vault.Api.Sellers;

namespace Vault.Api.Grantless;

/// <summary>
/// The lead-in of a grantless call: the region, the path (the seller proxy's checks), the operation (it must be in
/// <see cref="GrantlessOperations"/>, which gives the LWA scope) and <c>x-vault-sandbox</c>. No secret, no connection.
/// </summary>
public sealed class GrantlessCall : ILeadIn
{
    private const int PrefixSegments = 5; // "", "v1", "grantless", "sp-api", "{region}"

    private readonly Region? _region;
    private readonly AuditActor? _caller;
    private readonly GrantlessOperations.Operation? _operation;

    private GrantlessCall(Region region, GrantlessOperations.Operation operation, string pathAndQuery, bool sandbox, AuditActor caller) =>
        (_region, _operation, PathAndQuery, Sandbox, _caller) = (region, operation, pathAndQuery, sandbox, caller);

    private GrantlessCall(ProblemHttpResult problem) => (Problem, PathAndQuery) = (problem, "");

    public Region Region => _region ?? throw Unchecked();

    public GrantlessOperations.Operation Operation => _operation ?? throw Unchecked();

    /// <summary>The checked path and query after /v1/grantless/sp-api/{region}, as Amazon receives it.</summary>
    public string PathAndQuery { get; }

    public bool Sandbox { get; }

    public AuditActor Caller => _caller ?? throw Unchecked();

    public ProblemHttpResult? Problem { get; }

    public static ValueTask<GrantlessCall?> BindAsync(HttpContext context, ParameterInfo parameter) => ValueTask.FromResult<GrantlessCall?>(Read(context));

    private static GrantlessCall Read(HttpContext context)
    {
        if (!AmazonApi.SpApi.IsConfigured(context.RequestServices.GetRequiredService<Configuration.VaultOptions>()))
            return new(Problems.InvalidRequest("api: this vault has no sp-api application configured"));
        var region = Region.Find(context.GetRouteValue("region") as string);
        if (region is null)
            return new(Problems.InvalidRequest("region: must be na, eu or fe"));
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (!ProxyPath.TryParse(rawTarget, PrefixSegments, out var pathAndQuery, out var path, out var reason))
            return new(Problems.InvalidRequest("path: " + reason));
        var operation = GrantlessOperations.Match(context.Request.Method, path);
        if (operation is null)
            return new(Problems.UnsupportedGrantlessOperation());
        var sandbox = SandboxHeader.Read(context.Request.Headers, out var sandboxProblem);
        return sandboxProblem is not null ? new(sandboxProblem) : new(region, operation, pathAndQuery, sandbox, AuditActor.Of(context));
    }

    private static InvalidOperationException Unchecked() => new("the grantless call failed its lead-in; the filter answers it");
}
