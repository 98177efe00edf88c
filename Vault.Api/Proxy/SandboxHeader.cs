using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Errors;

namespace Vault.Api.Proxy;

/// <summary>
/// <c>x-vault-sandbox</c> on a proxied call: <c>true</c> sends this one call to the API's sandbox host
/// (https://developer-docs.amazon.com/sp-api/docs/the-selling-partner-api-sandbox); <c>false</c> or no header leaves the
/// choice to the connection. It can never send a sandbox connection's call to production. Never forwarded.
/// </summary>
public static class SandboxHeader
{
    public const string Name = "x-vault-sandbox";

    /// <summary>Whether the header asks for the sandbox; a repeated header or any value but true/false is a problem.</summary>
    public static bool Read(IHeaderDictionary headers, out ProblemHttpResult? problem)
    {
        problem = null;
        if (!headers.TryGetValue(Name, out var values))
            return false;
        var value = values.Count == 1 ? values[0] : null;
        if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
            return true;
        if (!string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
            problem = Problems.InvalidRequest($"{Name}: must be true or false, once");
        return false;
    }

    public static ProblemHttpResult NoSandbox(string api) => Problems.InvalidRequest($"{Name}: the vault offers no sandbox for {api}");
}
