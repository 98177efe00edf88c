using Microsoft.AspNetCore.Http.HttpResults;
using Vault.Api.Extensions;

namespace Vault.Api.Sellers;

/// <summary>Checks the path values of docs/API.md "Identifiers" before anything is looked up.</summary>
internal static class SellerRoute
{
    public static ProblemHttpResult? Check(string sellerId) =>
        Identifiers.IsValid(sellerId) ? null : Problems.InvalidRequest("sellerId: 1-128 characters of A-Z a-z 0-9 . _ : -");

    public static ProblemHttpResult? Check(string sellerId, string api) =>
        Check(sellerId) ?? (Identifiers.IsApi(api) ? null : Problems.InvalidRequest("api: must be sp-api or ads"));
}
