using System.Security.Claims;

namespace Vault.Api.Auth;

/// <summary>Who is calling, from a validated JWT: the tenant every row belongs to, and the actor the audit log names.</summary>
public static class CallerClaims
{
    public const string DefaultTenant = "default";
    public const string TenantClaimType = "vault_tenant";

    /// <summary>The caller's tenant, put on the principal by the JWT handler once the token validated.</summary>
    public static string Tenant(this ClaimsPrincipal user) => user.FindFirstValue(TenantClaimType) ?? DefaultTenant;

    /// <summary>Who did it, for the audit log: the token's subject, never the token.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.FindFirstValue("sub") is { Length: > 0 and <= 256 } sub ? sub : "unknown";
}
