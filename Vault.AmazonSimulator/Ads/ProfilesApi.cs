namespace Vault.AmazonSimulator.Ads;

/// <summary>Profiles v2: https://advertising.amazon.com/API/docs/en-us/reference/2/profiles</summary>
public static class ProfilesApi
{
    public static RouteGroupBuilder MapProfiles(this RouteGroupBuilder ads)
    {
        ArgumentNullException.ThrowIfNull(ads);
        ads.MapGet("/v2/profiles", (string host) => Results.Json(SampleProfiles.InRegion(AmazonHosts.RegionOf(host))));
        ads.MapGet("/v2/profiles/{profileId}", (string host, string profileId, HttpContext http) =>
            SampleProfiles.Find(AmazonHosts.RegionOf(host), profileId) is { } profile
                ? Results.Json(profile)
                : AdsErrors.NotFound(http, "Profile not found"));
        return ads;
    }
}
