using System.CommandLine;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Vault.Api.Configuration;
using Vault.Api.Auth;
using Vault.Api.Sellers;

namespace Vault.Api.Cli;

/// <summary><c>token mint</c>: development JWTs signed with JWT_SECRET, for the demo and for trying the API by hand.</summary>
public static class TokenCommand
{
    public static Command Create()
    {
        var scope = new Option<string>("--scope") { Description = "space-separated scopes: " + string.Join(' ', Scopes.All), Required = true };
        var tenant = new Option<string>("--tenant") { Description = "the tenant claim", DefaultValueFactory = _ => CallerClaims.DefaultTenant };
        var subject = new Option<string>("--subject") { Description = "who the caller is (sub), recorded in the audit log", DefaultValueFactory = _ => "cli" };
        var minutes = new Option<int>("--minutes") { Description = "lifetime, 1 to 1440", DefaultValueFactory = _ => 60 };
        var mint = new Command("mint", "Print an HS256 JWT signed with JWT_SECRET.") { scope, tenant, subject, minutes };
        mint.SetAction(result =>
        {
            var error = result.InvocationConfiguration.Error;
            var options = VaultCli.Options();
            var problem = Check(options, result.GetValue(scope)!, result.GetValue(tenant)!, result.GetValue(minutes));
            if (problem is not null)
            {
                error.WriteLine($"token mint: {problem}");
                return 2;
            }
            var now = DateTime.UtcNow;
            var jwt = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Claims = new Dictionary<string, object>
                {
                    ["scope"] = result.GetValue(scope)!,
                    ["tenant"] = result.GetValue(tenant)!,
                    ["sub"] = result.GetValue(subject)!,
                },
                Issuer = options.JwtIssuer,
                Audience = options.JwtAudience,
                IssuedAt = now,
                NotBefore = now,
                Expires = now.AddMinutes(result.GetValue(minutes)),
                SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(options.JwtSecret!)), SecurityAlgorithms.HmacSha256),
            });
            result.InvocationConfiguration.Output.WriteLine(jwt);
            return 0;
        });
        return new Command("token", "Caller tokens.") { mint };
    }

    private static string? Check(VaultOptions options, string scopes, string tenant, int minutes)
    {
        if (options.JwksEndpoint is not null)
            return "JWKS_ENDPOINT is set: callers' tokens come from your identity provider, not from this command";
        if (options.JwtSecret is not { } secret || Encoding.UTF8.GetByteCount(secret) < 32)
            return "JWT_SECRET must be set to at least 32 bytes";
        var unknown = scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(s => !Scopes.All.Contains(s, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0 || string.IsNullOrWhiteSpace(scopes))
            return $"--scope must be one or more of {string.Join(' ', Scopes.All)}";
        if (!Identifiers.IsValid(tenant))
            return "--tenant must be 1-128 characters of A-Z a-z 0-9 . _ : -";
        if (minutes is < 1 or > 1440)
            return "--minutes must be between 1 and 1440";
        return null;
    }
}
