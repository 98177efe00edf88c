using System.Globalization;

namespace Vault.AmazonSimulator.Ads;

public sealed record AccountInfo(string MarketplaceStringId, string Id, string Type, string Name, bool ValidPaymentMethod);

/// <summary>A profile as listProfiles returns it: https://advertising.amazon.com/API/docs/en-us/reference/2/profiles</summary>
public sealed record AdsProfile(
    long ProfileId,
    string CountryCode,
    string CurrencyCode,
    double DailyBudget,
    string Timezone,
    AccountInfo AccountInfo);

/// <summary>One seller profile per simulated marketplace; profile ids are fixed so tests can name them.</summary>
public static class SampleProfiles
{
    private const string AdvertiserId = "A2SIMULATEDADV1";

    private static readonly Dictionary<string, long> ProfileIds = new(StringComparer.Ordinal)
    {
        ["ATVPDKIKX0DER"] = 2_487_654_321_098_765,
        ["A2EUQ1WTGCTBG2"] = 2_487_654_321_098_766,
        ["A1F83G8C2ARO7P"] = 3_487_654_321_098_765,
        ["A1PA6795UKMFR9"] = 3_487_654_321_098_766,
        ["A1VC38T7YXB528"] = 4_487_654_321_098_765,
        ["A39IBJ37TRP1C6"] = 4_487_654_321_098_766,
    };

    public static IReadOnlyList<AdsProfile> InRegion(string? region) =>
        [.. Marketplaces.InRegion(region).Select(m => new AdsProfile(
            ProfileIds[m.Id],
            m.CountryCode,
            m.CurrencyCode,
            999_999_999,
            m.TimeZone,
            new AccountInfo(m.Id, AdvertiserId, "seller", "Simulated Store", ValidPaymentMethod: true)))];

    public static AdsProfile? Find(string? region, string profileId) =>
        InRegion(region).FirstOrDefault(p => p.ProfileId.ToString(CultureInfo.InvariantCulture) == profileId);
}
