using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.IdentityModel.Tokens;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Tests.Auth;
using Vault.Tests.OAuth;
using Vault.Tests.Support;

namespace Vault.Tests.Acceptance;

/// <summary>
/// The live values the catalogue's placeholders stand for: a valid caller JWT (HS256, with the configured issuer and
/// audience) and one of every kind of bad one, the seeded sellers' secrets, and OAuth tickets, cookies and states from
/// real flows. Everything here is set up before the database snapshot is taken.
/// </summary>
public sealed partial class BadInputCatalogueContext
{
    public const string Tenant = "catalogue";
    public const string Issuer = "https://idp.example.com";
    public const string Audience = "vault";

    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>Every token, secret, ticket, cookie, state and code the catalogue sends: none may appear in an answer.</summary>
    public IEnumerable<string> Secrets => _values.Where(v => v.Key != "HOST" && v.Value.Length >= 16).Select(v => v.Value);

    public static void Configure(Dictionary<string, string?> settings)
    {
        settings["JWT_ISSUER"] = Issuer;
        settings["JWT_AUDIENCE"] = Audience;
    }

    public static string ValidJwt(string scopes = TestJwt.AllScopes, string tenant = Tenant) =>
        TestJwt.Hs256(VaultHarness.JwtSecret, scopes, tenant, issuer: Issuer, audience: Audience);

    public string Fill(string text) => Placeholder().Replace(text, m =>
        _values.TryGetValue(m.Groups[1].Value, out var value) ? value : throw new InvalidOperationException($"no value for {m.Value}"));

    public static async Task<BadInputCatalogueContext> CreateAsync(VaultHarness vault, JwksServer keyServer)
    {
        var context = new BadInputCatalogueContext();
        var v = context._values;
        v["HOST"] = vault.BaseAddress.Authority;
        v["JWT"] = ValidJwt();
        v["JWT_READ"] = ValidJwt("connections:read");
        v["JWT_SCOPE_CAPS"] = ValidJwt(TestJwt.AllScopes.ToUpperInvariant());

        v["SECRET1"] = (await Seed.ConnectionAsync(vault, BadInputCases.Seeded, "sp-api", tenant: Tenant)).Secret;
        v["SECRET1_ADS"] = (await Seed.ConnectionAsync(vault, BadInputCases.Seeded, "ads", tenant: Tenant)).Secret;
        v["SECRET2"] = (await Seed.ConnectionAsync(vault, BadInputCases.Mismatched, "sp-api", tenant: Tenant)).Secret;
        v["FRESHSECRET"] = SellerSecret.Generate();
        v["OTHERSECRET"] = SellerSecret.Generate();
        using (var other = SellerSecret.Parse(v["OTHERSECRET"]))
            v["DB_OTHER"] = DataBorderEnvelope.SealToBase64("Atzr|IwEBIsealed-under-another-secret", other);
        v["DB_SHORT"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        using (var fresh = SellerSecret.Parse(v["FRESHSECRET"]))
        {
            string urlSafe;
            do
                urlSafe = DataBorderEnvelope.SealToBase64("Atzr|IwEBIurl-safe", fresh);
            while (!urlSafe.Contains('+', StringComparison.Ordinal) && !urlSafe.Contains('/', StringComparison.Ordinal));
            v["DB_URLSAFE"] = urlSafe.Replace('+', '-').Replace('/', '_').TrimEnd('=');
        }

        AddJwtAttacks(v, keyServer);
        await AddOAuthAsync(v, vault);
        // For the leak scan (docs/RELIABILITY.md "Leaks"): the vault must not repeat any of these, refused or not.
        foreach (var (name, value) in v)
        {
            var kind = name switch
            {
                "SECRET1" or "SECRET1_ADS" or "SECRET2" or "FRESHSECRET" or "OTHERSECRET" => "seller-secret",
                _ when name.StartsWith("JWT", StringComparison.Ordinal) => "jwt",
                _ when name.StartsWith("TICKET", StringComparison.Ordinal) => "oauth-ticket",
                _ when name.Contains("COOKIE", StringComparison.Ordinal) => "oauth-cookie",
                _ when name.StartsWith("STATE", StringComparison.Ordinal) => "oauth-state",
                "CODE" => "authorization-code",
                _ => null,
            };
            if (kind is not null)
                TestSecrets.Add(kind, value);
        }
        return context;
    }

    private static void AddJwtAttacks(Dictionary<string, string> v, JwksServer keyServer)
    {
        var key = Encoding.UTF8.GetBytes(VaultHarness.JwtSecret);
        var now = DateTime.UtcNow;
        const string Hs256 = """{"alg":"HS256","typ":"JWT"}""";
        var payload = Payload();

        v["JWT_NONE"] = TestJwt.Raw("""{"alg":"none","typ":"JWT"}""", payload);
        v["JWT_NONE_HMAC"] = TestJwt.Hs256Raw(key, """{"alg":"none","typ":"JWT"}""", payload);
        v["JWT_NONE_UPPER"] = TestJwt.Hs256Raw(key, """{"alg":"NONE","typ":"JWT"}""", payload);
        v["JWT_HS256_LOWER"] = TestJwt.Hs256Raw(key, """{"alg":"hs256","typ":"JWT"}""", payload);
        v["JWT_HS384"] = Signed("""{"alg":"HS384","typ":"JWT"}""", payload, input => HMACSHA384.HashData(key, input));
        v["JWT_HS512"] = Signed("""{"alg":"HS512","typ":"JWT"}""", payload, input => HMACSHA512.HashData(key, input));

        using var rsa = RSA.Create(2048);
        var rsaJwk = JsonSerializer.Serialize(JwksServer.Jwk.Rsa(rsa, "embedded"));
        v["JWT_RS256_JWK"] = Signed($$"""{"alg":"RS256","typ":"JWT","jwk":{{rsaJwk}}}""", payload, input => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecJwk = JsonSerializer.Serialize(JwksServer.Jwk.EcP256(ec, "embedded"));
        v["JWT_ES256_JWK"] = Signed($$"""{"alg":"ES256","typ":"JWT","jwk":{{ecJwk}}}""", payload,
            input => ec.SignData(input, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        v["JWT_RS_HMAC"] = TestJwt.Hs256Raw(key, """{"alg":"RS256","typ":"JWT"}""", payload);
        v["JWT_HS_PEM"] = TestJwt.Hs256Raw(Encoding.ASCII.GetBytes(rsa.ExportSubjectPublicKeyInfoPem()), Hs256, payload);
        v["JWT_KID_TRAVERSAL"] = TestJwt.Hs256Raw([], """{"alg":"HS256","typ":"JWT","kid":"../../../../../../dev/null"}""", payload);
        v["JWT_KID_SQL"] = TestJwt.Hs256Raw("k"u8.ToArray(), """{"alg":"HS256","typ":"JWT","kid":"x' UNION SELECT 'k' --"}""", payload);

        // Key URLs on a server that records every request: the vault must fetch none of them.
        using var published = RSA.Create(2048);
        keyServer.Publish(published, "attacker");
        v["JWT_JKU"] = Signed($$"""{"alg":"RS256","typ":"JWT","kid":"attacker","jku":"{{keyServer.JwksUrl}}"}""", payload,
            input => published.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        v["JWT_X5U"] = Signed($$"""{"alg":"RS256","typ":"JWT","x5u":"{{new Uri(keyServer.BaseAddress, "cert.pem")}}"}""", payload,
            input => published.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var certificate = new CertificateRequest("CN=attacker", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        v["JWT_X5C"] = Signed($$"""{"alg":"RS256","typ":"JWT","x5c":["{{Convert.ToBase64String(certificate.RawData)}}"]}""", payload,
            input => rsa.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        v["JWT_EXPIRED"] = TestJwt.Hs256(VaultHarness.JwtSecret, TestJwt.AllScopes, Tenant, expires: now.AddSeconds(-90), notBefore: now.AddMinutes(-10), issuer: Issuer, audience: Audience);
        v["JWT_NBF"] = TestJwt.Hs256(VaultHarness.JwtSecret, TestJwt.AllScopes, Tenant, notBefore: now.AddMinutes(3), expires: now.AddMinutes(10), issuer: Issuer, audience: Audience);
        v["JWT_NO_EXP"] = TestJwt.Hs256Raw(key, Hs256, Payload(("exp", null)));
        v["JWT_EXP_STRING"] = TestJwt.Hs256Raw(key, Hs256, Payload(("exp", "soon")));
        v["JWT_WRONG_ISS"] = TestJwt.Hs256Raw(key, Hs256, Payload(("iss", "https://evil.example.com")));
        v["JWT_ISS_CASE"] = TestJwt.Hs256Raw(key, Hs256, Payload(("iss", "https://IDP.example.com")));
        v["JWT_NO_ISS"] = TestJwt.Hs256Raw(key, Hs256, Payload(("iss", null)));
        v["JWT_WRONG_AUD"] = TestJwt.Hs256Raw(key, Hs256, Payload(("aud", "another-service")));
        v["JWT_AUD_ARRAY"] = TestJwt.Hs256Raw(key, Hs256, Payload(("aud", new[] { "another-service", "vault-admin" })));
        v["JWT_NO_AUD"] = TestJwt.Hs256Raw(key, Hs256, Payload(("aud", null)));
        v["JWT_OTHER_SECRET"] = TestJwt.Hs256("another-secret-that-is-also-32-bytes-or-more", TestJwt.AllScopes, Tenant, issuer: Issuer, audience: Audience);
        var parts = v["JWT"].Split('.');
        v["JWT_EDITED"] = $"{parts[0]}.{Base64UrlEncoder.Encode(Payload(("tenant", "someone-else")))}.{parts[2]}";
        v["JWT_STRIPPED"] = $"{parts[0]}.{parts[1]}.";
        v["JWT_FIVE_PARTS"] = v["JWT"] + ".AAAA.AAAA";
        v["JWT_GARBAGE"] = "%00%00not-a-token";
        v["JWT_TENANT_SLASH"] = TestJwt.Hs256Raw(key, Hs256, Payload(("tenant", "a/b")));
        v["JWT_TENANT_ARRAY"] = TestJwt.Hs256Raw(key, Hs256, Payload(("tenant", new[] { Tenant, "someone-else" })));
        v["JWT_TENANT_EMPTY"] = TestJwt.Hs256Raw(key, Hs256, Payload(("tenant", "")));
        v["JWT_HUGE"] = TestJwt.Hs256Raw(key, Hs256, Payload(("pad", new string('x', 9 * 1024))));
        v["JWT_40K"] = new string('a', 40 * 1024);
    }

    /// <summary>A valid payload with some claims changed; a null value leaves the claim out.</summary>
    private static string Payload(params (string Claim, object? Value)[] changes)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object?>
        {
            ["sub"] = "wms-catalogue",
            ["scope"] = TestJwt.AllScopes,
            ["tenant"] = Tenant,
            ["iss"] = Issuer,
            ["aud"] = Audience,
            ["nbf"] = TestJwt.Epoch(now.AddSeconds(-5)),
            ["exp"] = TestJwt.Epoch(now.AddMinutes(10)),
        };
        foreach (var (claim, value) in changes)
            claims[claim] = value;
        return JsonSerializer.Serialize(claims.Where(c => c.Value is not null).ToDictionary(c => c.Key, c => c.Value));
    }

    private static string Signed(string header, string payload, Func<byte[], byte[]> sign)
    {
        var input = $"{Base64UrlEncoder.Encode(header)}.{Base64UrlEncoder.Encode(payload)}";
        return $"{input}.{Base64UrlEncoder.Encode(sign(Encoding.ASCII.GetBytes(input)))}";
    }

    /// <summary>Three real flows: one completed (for the replay), one waiting at the callback (its cookie, state and code), one ticket never redeemed.</summary>
    private static async Task AddOAuthAsync(Dictionary<string, string> v, VaultHarness vault)
    {
        var done = new OAuthBrowser(vault);
        var doneStart = await done.StartAsync(await AuthorizeUrlAsync(vault, "oauth-done"));
        var doneCallback = await done.ConsentAsync(doneStart.Headers.Location!, "allow");
        using (var completed = await done.CallbackAsync(doneCallback))
            Assert.Contains("status=connected", completed.Headers.Location!.Query, StringComparison.Ordinal);
        v["DONE_CALLBACK"] = doneCallback.PathAndQuery;
        v["DONE_COOKIE"] = CookieValue(done);

        var pending = new OAuthBrowser(vault);
        var pendingUrl = await AuthorizeUrlAsync(vault, "oauth-pending");
        var pendingStart = await pending.StartAsync(pendingUrl);
        Assert.Equal(HttpStatusCode.Redirect, pendingStart.StatusCode);
        var callback = OAuthBrowser.Query(await pending.ConsentAsync(pendingStart.Headers.Location!, "allow"));
        v["TICKET_USED"] = OAuthBrowser.Query(pendingUrl)["ticket"];
        v["COOKIE"] = CookieValue(pending);
        v["COOKIE_FLIPPED"] = Flip(v["COOKIE"]);
        v["STATE"] = callback["state"];
        v["STATE_FLIPPED"] = Flip(callback["state"]);
        v["CODE"] = callback["spapi_oauth_code"];
        v["SPID"] = callback["selling_partner_id"];

        var fresh = OAuthBrowser.Query(await AuthorizeUrlAsync(vault, "oauth-fresh"))["ticket"];
        v["TICKET_FRESH"] = fresh;
        v["TICKET_FRESH_FLIPPED"] = Flip(fresh);
        v["TICKET_FRESH_TRUNCATED"] = fresh[..^4];
    }

    private static async Task<Uri> AuthorizeUrlAsync(VaultHarness vault, string sellerId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/sellers/{sellerId}/authorizations")
        {
            Content = JsonContent.Create(new { api = "sp-api", region = "na", redirectUrl = VaultHarness.WmsOrigin + "/amazon/done" }),
        };
        request.Headers.Authorization = new("Bearer", ValidJwt());
        request.Headers.Add("x-amazon-token-secret", SellerSecret.Generate());
        using var response = await vault.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new Uri((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("authorizeUrl").GetString()!);
    }

    private static string CookieValue(OAuthBrowser browser) => browser.Cookie!["vault_oauth=".Length..];

    /// <summary>One character in the middle changed, staying in the base64url alphabet.</summary>
    private static string Flip(string text)
    {
        var middle = text.Length / 2;
        return string.Concat(text.AsSpan(0, middle), text[middle] == 'A' ? "B" : "A", text.AsSpan(middle + 1));
    }

    [GeneratedRegex("@@([A-Z0-9_]+)@@")]
    private static partial Regex Placeholder();
}
