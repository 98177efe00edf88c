namespace Vault.Api.OAuth;

/// <summary>
/// The query of a browser Amazon sent back. Unlike the API's parameters (Sellers/PageQuery), which answer a repeated or
/// odd parameter with a problem, a callback has no caller to read one: a value that is missing, repeated, empty or
/// longer than any Amazon sends reads as absent, and the page says the sign-in cannot continue.
/// </summary>
internal static class OAuthQuery
{
    private const int MaxValueLength = 2048;

    public static string? Value(IQueryCollection query, string name) =>
        query[name] is { Count: 1 } values && values[0] is { Length: > 0 and <= MaxValueLength } value ? value : null;
}
