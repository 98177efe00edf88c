using System.Reflection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Errors;
using Vault.Api.Sellers;

namespace Vault.Api.Proxy;

/// <summary>
/// The lead-in of a proxied call: the checked route, then the path (nothing in it may leave the Amazon host, and the
/// vault's restricted-data headers must fit the operation), the vault's other headers, and only then the secret and the
/// stored connection.
/// </summary>
public sealed class ProxiedCall : ILeadIn
{
    private readonly SellerConnection? _seller;

    private ProxiedCall(SellerConnection seller, string pathAndQuery, RestrictedOperations.Resource? resource, bool sandbox, TimeSpan maxWait) =>
        (_seller, PathAndQuery, Resource, Sandbox, MaxWait) = (seller, pathAndQuery, resource, sandbox, maxWait);

    private ProxiedCall(ProblemHttpResult problem) => (Problem, PathAndQuery) = (problem, "");

    public SellerConnection Seller => _seller ?? throw new InvalidOperationException("the proxied call failed its lead-in; the filter answers it");

    /// <summary>The checked path and query after /v1/sellers/{sellerId}/{api}, as Amazon receives it.</summary>
    public string PathAndQuery { get; }

    /// <summary>The restricted resource the call needs a Restricted Data Token for, or null.</summary>
    public RestrictedOperations.Resource? Resource { get; }

    /// <summary>Whether the call goes to the API's sandbox host: the connection is a sandbox one, or the caller asked (<see cref="SandboxHeader"/>).</summary>
    public bool Sandbox { get; }

    /// <summary>How long the call may wait for its pacing token (<see cref="Pacing.MaxWait"/>).</summary>
    public TimeSpan MaxWait { get; }

    public ProblemHttpResult? Problem { get; }

    public static async ValueTask<ProxiedCall?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var route = SellerRoute.Read(context);
        if (route.Problem is { } routeProblem)
            return new(routeProblem);
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (!ProxyPath.TryParse(rawTarget, out var pathAndQuery, out var path, out var reason))
            return new(Problems.InvalidRequest("path: " + reason));
        var resource = RestrictedOperations.Match(route.Api, context.Request.Method, path, context.Request.Headers, out var refusal);
        if (refusal is not null)
            return new(Problems.InvalidRequest(refusal));
        var sandbox = SandboxHeader.Read(context.Request.Headers, out var sandboxProblem);
        if (sandboxProblem is not null)
            return new(sandboxProblem);
        if (sandbox && !route.Api.HasSandbox)
            return new(SandboxHeader.NoSandbox(route.Api.Name));
        if (!Pacing.MaxWait.TryRead(context.Request.Headers, out var maxWait, out var badWait))
            return new(Problems.InvalidRequest(badWait!));
        var seller = await SellerConnection.LoadAsync(context, route);
        return seller.Problem is { } problem ? new(problem) : new(seller, pathAndQuery, resource, sandbox || seller.Connection.Sandbox, maxWait);
    }
}
