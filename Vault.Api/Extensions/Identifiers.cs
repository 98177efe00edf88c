using System.Text.RegularExpressions;

namespace Vault.Api.Extensions;

/// <summary>Seller ids (docs/API.md "Identifiers"); tenants follow the same rules so both embed safely in AAD text and logs.</summary>
public static partial class Identifiers
{
    public const int MaxLength = 128;

    public static bool IsValid(string? value) => value is { Length: >= 1 and <= MaxLength } && Pattern().IsMatch(value);

    public static bool IsApi(string? value) => value is "sp-api" or "ads";

    [GeneratedRegex("^[A-Za-z0-9._:-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
