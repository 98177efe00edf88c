using System.CommandLine;
using Vault.Crypto;

namespace Vault.Api.Cli;

public static class SecretCommand
{
    public static Command Create()
    {
        var create = new Command("new", "Print a fresh seller secret (32 random bytes, base64) for x-amazon-token-secret.");
        create.SetAction(result => result.InvocationConfiguration.Output.WriteLine(SellerSecret.Generate()));
        return new Command("secret", "Seller secrets.") { create };
    }
}
