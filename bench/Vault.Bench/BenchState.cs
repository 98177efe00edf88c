using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vault.Bench;

/// <summary>One seeded connection: the seller, its tenant and the secret only the WMS (here, the benchmark) holds.</summary>
internal sealed record SeededSeller(string Tenant, string SellerId, string Secret, string RefreshToken);

/// <summary>
/// What <c>seed</c> leaves for the later steps of bench/run.sh: where the processes listen, the warm seller, the cold
/// sellers, a caller JWT per tenant and an access token for the direct reference.
/// </summary>
internal sealed record BenchState(
    string Vault,
    string Simulator,
    SeededSeller Warm,
    IReadOnlyList<SeededSeller> Cold,
    IReadOnlyDictionary<string, string> Jwts,
    string DirectAccessToken)
{
    public const string WarmPath = "/sellers/v1/marketplaceParticipations";
    public const string SpApiHost = "sellingpartnerapi-na.amazon.com";
    public const string SpApiClientId = "amzn1.application-oa2-client.simspapi";
    public const string SpApiClientSecret = "sim-spapi-secret";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string DirectUrl => $"{Simulator}/{SpApiHost}{WarmPath}";

    public string VaultUrl(SeededSeller seller) => $"{Vault}/v1/sellers/{seller.SellerId}/sp-api{WarmPath}";

    public HttpRequestMessage VaultRequest(SeededSeller seller)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, VaultUrl(seller));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Jwts[seller.Tenant]);
        request.Headers.TryAddWithoutValidation("x-amazon-token-secret", seller.Secret);
        return request;
    }

    public HttpRequestMessage DirectRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, DirectUrl);
        request.Headers.TryAddWithoutValidation("x-amz-access-token", DirectAccessToken);
        return request;
    }

    public static BenchState Load(string path) => JsonSerializer.Deserialize<BenchState>(File.ReadAllText(path), Json)!;

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>An HS256 caller JWT as <c>token mint</c> makes it (scope, tenant, sub, iat, nbf, exp), signed with JWT_SECRET.</summary>
    public static string Jwt(string jwtSecret, string tenant, string scope, TimeSpan lifetime)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64Url("""{"alg":"HS256","typ":"JWT"}"""u8);
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new JwtClaims(scope, tenant, "bench", now, now, now + (long)lifetime.TotalSeconds)));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(jwtSecret), Encoding.ASCII.GetBytes(header + "." + payload));
        return header + "." + payload + "." + Base64Url(signature);
    }

    private sealed record JwtClaims(
        [property: JsonPropertyName("scope")] string Scope,
        [property: JsonPropertyName("tenant")] string Tenant,
        [property: JsonPropertyName("sub")] string Sub,
        [property: JsonPropertyName("iat")] long Iat,
        [property: JsonPropertyName("nbf")] long Nbf,
        [property: JsonPropertyName("exp")] long Exp);

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A fresh seller secret: base64 of 32 random bytes, as <c>secret new</c> prints.</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
