using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Crypto;
using Vault.Api.Errors;

namespace Vault.Api.Sellers;

/// <summary>Reads the seller secret headers; a missing, repeated or malformed header is refused before any KDF work.</summary>
public static class SecretHeader
{
    public const string Name = "x-amazon-token-secret";
    public const string NewName = "x-amazon-token-secret-new";

    public static SellerSecret? Read(HttpRequest request, out ProblemHttpResult? problem, string header = Name)
    {
        problem = null;
        var values = request.Headers[header];
        if (values.Count > 1)
        {
            problem = Problems.InvalidSecretFormat($"{header}: send the header once");
            return null;
        }
        if (SellerSecret.TryParse(values.Count == 1 ? values[0] : null, out var secret, out var error))
            return secret;
        problem = Problems.InvalidSecretFormat($"{header}: {error}");
        return null;
    }
}
