using System.Text;

namespace Vault.Crypto.Formats;

/// <summary>The row a v1 blob belongs to; its text is part of the AAD, so a blob moved elsewhere will not open.</summary>
public sealed record TokenBinding(string Tenant, string SellerId, string Api)
{
    private const string Prefix = "amazon-token-vault/v1:";

    public byte[] ToAadSuffix() => Encoding.UTF8.GetBytes($"{Prefix}{Tenant}/{SellerId}/{Api}");
}
