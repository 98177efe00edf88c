namespace Vault.Api.Amazon;

/// <summary>
/// Marketplace ids, their region and the Seller Central host where a seller of that marketplace consents.
/// Ids: https://developer-docs.amazon.com/sp-api/docs/marketplace-ids
/// Consent URLs: https://developer-docs.amazon.com/sp-api/docs/seller-central-urls
/// </summary>
public static class Marketplaces
{
    public sealed record Marketplace(string Id, string Country, string RegionCode, string SellerCentralHost);

    public static IReadOnlyList<Marketplace> All { get; } =
    [
        new("A2EUQ1WTGCTBG2", "CA", "na", "sellercentral.amazon.ca"),
        new("ATVPDKIKX0DER", "US", "na", "sellercentral.amazon.com"),
        new("A1AM78C64UM0Y8", "MX", "na", "sellercentral.amazon.com.mx"),
        new("A2Q3Y263D00KWC", "BR", "na", "sellercentral.amazon.com.br"),
        new("A28R8C7NBKEWEA", "IE", "eu", "sellercentral.amazon.ie"),
        new("A1RKKUPIHCS9HS", "ES", "eu", "sellercentral-europe.amazon.com"),
        new("A1F83G8C2ARO7P", "UK", "eu", "sellercentral-europe.amazon.com"),
        new("A13V1IB3VIYZZH", "FR", "eu", "sellercentral-europe.amazon.com"),
        new("AMEN7PMS3EDWL", "BE", "eu", "sellercentral.amazon.com.be"),
        new("A1805IZSGTT6HS", "NL", "eu", "sellercentral.amazon.nl"),
        new("A1PA6795UKMFR9", "DE", "eu", "sellercentral-europe.amazon.com"),
        new("APJ6JRA9NG5V4", "IT", "eu", "sellercentral-europe.amazon.com"),
        new("A2NODRKZP88ZB9", "SE", "eu", "sellercentral.amazon.se"),
        new("AE08WJ6YKNBMC", "ZA", "eu", "sellercentral.amazon.co.za"),
        new("A1C3SOZRARQ6R3", "PL", "eu", "sellercentral.amazon.pl"),
        new("ARBP9OOSHTCHU", "EG", "eu", "sellercentral.amazon.eg"),
        new("A33AVAJ2PDY3EV", "TR", "eu", "sellercentral.amazon.com.tr"),
        new("A17E79C6D8DWNP", "SA", "eu", "sellercentral.amazon.sa"),
        new("A2VIGQ35RCS4UG", "AE", "eu", "sellercentral.amazon.ae"),
        new("A21TJRUUN4KGV", "IN", "eu", "sellercentral.amazon.in"),
        new("A19VAU5U5O7RUS", "SG", "fe", "sellercentral.amazon.sg"),
        new("A39IBJ37TRP1C6", "AU", "fe", "sellercentral.amazon.com.au"),
        new("A1VC38T7YXB528", "JP", "fe", "sellercentral.amazon.co.jp"),
    ];

    public static Marketplace? Find(string? id) => All.FirstOrDefault(m => m.Id == id);
}
