namespace Vault.AmazonSimulator;

public sealed record Marketplace(
    string Id,
    string CountryCode,
    string Name,
    string CurrencyCode,
    string LanguageCode,
    string DomainName,
    string Region,
    string TimeZone);

/// <summary>
/// The marketplaces the simulated seller sells in, two per region. Ids from
/// https://developer-docs.amazon.com/sp-api/docs/marketplace-ids
/// </summary>
public static class Marketplaces
{
    public static IReadOnlyList<Marketplace> All { get; } =
    [
        new("ATVPDKIKX0DER", "US", "Amazon.com", "USD", "en_US", "www.amazon.com", "na", "America/Los_Angeles"),
        new("A2EUQ1WTGCTBG2", "CA", "Amazon.ca", "CAD", "en_CA", "www.amazon.ca", "na", "America/Los_Angeles"),
        new("A1F83G8C2ARO7P", "GB", "Amazon.co.uk", "GBP", "en_GB", "www.amazon.co.uk", "eu", "Europe/London"),
        new("A1PA6795UKMFR9", "DE", "Amazon.de", "EUR", "de_DE", "www.amazon.de", "eu", "Europe/Paris"),
        new("A1VC38T7YXB528", "JP", "Amazon.co.jp", "JPY", "ja_JP", "www.amazon.co.jp", "fe", "Asia/Tokyo"),
        new("A39IBJ37TRP1C6", "AU", "Amazon.com.au", "AUD", "en_AU", "www.amazon.com.au", "fe", "Australia/Sydney"),
    ];

    public static IEnumerable<Marketplace> InRegion(string? region) =>
        All.Where(m => string.Equals(m.Region, region, StringComparison.Ordinal));
}
