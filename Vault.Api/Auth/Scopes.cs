using System.Security.Claims;

namespace Vault.Api.Auth;

/// <summary>The scopes of docs/API.md, each one an authorization policy of the same name.</summary>
public static class Scopes
{
    public const string ConnectionsRead = "connections:read";
    public const string ConnectionsWrite = "connections:write";
    public const string AmazonCall = "amazon:call";
    public const string AuditRead = "audit:read";
    public const string EventsRead = "events:read";

    /// <summary>Grantless SP-API operations of the vault's own application (/v1/grantless): no seller involved.</summary>
    public const string AmazonGrantless = "amazon:grantless";

    public static readonly string[] All = [ConnectionsRead, ConnectionsWrite, AmazonCall, AuditRead, AmazonGrantless, EventsRead];

    public static bool Has(ClaimsPrincipal user, string scope) =>
        user.FindAll("scope").Any(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));
}
