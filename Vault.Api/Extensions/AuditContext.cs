using Vault.Storage;

namespace Vault.Api.Extensions;

/// <summary>Builds audit rows from a request: who (the JWT subject), from where, under which request id. Never a secret or token.</summary>
public static class AuditContext
{
    public static AuditEvent Event(this HttpContext context, string tenant, string action, string? sellerId = null, string? api = null, string? region = null, string? detail = null, string? actor = null) =>
        new(tenant, action, actor ?? context.User.Actor(), sellerId, api, region, context.TraceIdentifier, context.Connection.RemoteIpAddress?.ToString(), detail);

    public static string Tenant(this HttpContext context) => context.User.Tenant();

}
