using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Errors;
using Vault.Crypto;
using Vault.Storage;

namespace Vault.Api.Sellers;

/// <summary>
/// The lead-in of a request that uses one stored connection: the checked route, the seller secret (read before any
/// lookup, so a malformed one is 400 whether or not the connection exists) and the connection itself (404 when there
/// is none; 409 when Amazon already refused its token, unless the endpoint <see cref="LeadIn.AllowsReauthorizationRequired"/>).
/// </summary>
public sealed class SellerConnection : ILeadIn
{
    private readonly SellerRoute? _route;
    private readonly SellerSecret? _secret;
    private readonly Connection? _connection;

    private SellerConnection(SellerRoute route, SellerSecret secret, Connection connection) =>
        (_route, _secret, _connection) = (route, secret, connection);

    private SellerConnection(ProblemHttpResult problem) => Problem = problem;

    public SellerRoute Route => _route ?? throw Unchecked();

    /// <summary>Disposed with the response.</summary>
    public SellerSecret Secret => _secret ?? throw Unchecked();

    public Connection Connection => _connection ?? throw Unchecked();

    public ProblemHttpResult? Problem { get; }

    public static async ValueTask<SellerConnection?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var route = SellerRoute.Read(context);
        return route.Problem is { } problem ? new(problem) : await LoadAsync(context, route);
    }

    /// <summary>Reads the secret and loads the connection a checked route names.</summary>
    public static async Task<SellerConnection> LoadAsync(HttpContext context, SellerRoute route)
    {
        var secret = SecretHeader.Read(context.Request, out var secretProblem);
        if (secret is null)
            return new(secretProblem!);
        context.Response.RegisterForDispose(secret);
        var store = context.RequestServices.GetRequiredService<IVaultStore>();
        var connection = await store.GetConnectionAsync(route.Tenant, route.SellerId, route.Api.Name, context.RequestAborted);
        if (connection is null)
            return new(Problems.ConnectionNotFound());
        // Amazon already refused this token: asking again would only spend a call and get invalid_grant.
        if (connection.Status == ConnectionStatus.ReauthorizationRequired && context.GetEndpoint()?.Metadata.GetMetadata<LeadIn.ReauthorizationRequiredAllowed>() is null)
            return new(Problems.ReauthorizationRequired());
        return new(route, secret, connection);
    }

    private static InvalidOperationException Unchecked() => new("the connection lead-in failed; the lead-in filter answers it before any handler");
}
