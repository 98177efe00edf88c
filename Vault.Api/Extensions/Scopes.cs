using System.Security.Claims;

namespace Vault.Api.Extensions;

/// <summary>The scopes of docs/API.md, each one an authorization policy of the same name.</summary>
public static class Scopes
{
    public const string ConnectionsRead = "connections:read";
    public const string ConnectionsWrite = "connections:write";
    public const string AmazonCall = "amazon:call";
    public const string AuditRead = "audit:read";

    public static readonly string[] All = [ConnectionsRead, ConnectionsWrite, AmazonCall, AuditRead];

    public static bool Has(ClaimsPrincipal user, string scope) =>
        user.FindAll("scope").Any(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));

    public const string DefaultTenant = "default";
    public const string TenantClaimType = "vault_tenant";

    /// <summary>The caller's tenant, put on the principal by the JWT handler once the token validated.</summary>
    public static string Tenant(this ClaimsPrincipal user) => user.FindFirstValue(TenantClaimType) ?? DefaultTenant;

    /// <summary>Who did it, for the audit log: the token's subject, never the token.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.FindFirstValue("sub") is { Length: > 0 and <= 256 } sub ? sub : "unknown";
}
