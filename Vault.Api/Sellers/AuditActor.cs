using Vault.Storage;
using Vault.Api.Auth;

namespace Vault.Api.Sellers;

/// <summary>
/// Who a request acts for, for audit rows: the JWT subject (or the actor an OAuth ticket carries), the request id and
/// the client address. Taken from the request once, so work that outlives it (a shared token mint) never reads a
/// finished HttpContext. Never a secret or token.
/// </summary>
public sealed record AuditActor(string Actor, string RequestId, string? Ip)
{
    public static AuditActor Of(HttpContext context, string? actor = null) =>
        new(actor ?? context.User.Actor(), context.TraceIdentifier, context.Connection.RemoteIpAddress?.ToString());

    public AuditEvent Event(string tenant, string action, string? sellerId = null, string? api = null, string? region = null, string? detail = null) =>
        new(tenant, action, Actor, sellerId, api, region, RequestId, Ip, detail);
}
