using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Errors;

namespace Vault.Api.Sellers;

/// <summary>Seller ids (docs/API.md "Identifiers"); tenants follow the same rules so both embed safely in AAD text and logs.</summary>
public static partial class Identifiers
{
    public const int MaxLength = 128;

    public static bool IsValid(string? value) => value is { Length: >= 1 and <= MaxLength } && Pattern().IsMatch(value);

    /// <summary>The 400 for a seller id that breaks the rules (a route value or a query parameter), or null.</summary>
    public static ProblemHttpResult? CheckSellerId(string? value) =>
        IsValid(value) ? null : Problems.InvalidRequest("sellerId: 1-128 characters of A-Z a-z 0-9 . _ : -");

    /// <summary>The 400 for an api (a route value or a body field) that names no Amazon API the vault serves.</summary>
    public static ProblemHttpResult UnknownApi() => Problems.InvalidRequest("api: must be sp-api or ads");

    public static bool IsApi(string? value) => Amazon.AmazonApi.Find(value) is not null;

    [GeneratedRegex("^[A-Za-z0-9._:-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
