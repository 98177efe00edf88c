using System.Text;

namespace Vault.Tests.Acceptance;

/// <summary>
/// The catalogue's data: every request here is wrong in one way and must be refused with the status and code of
/// docs/API.md "Errors", by the vault before any write (or by Kestrel before the vault). Run by <see cref="BadInputCatalogueTests"/>.
/// </summary>
public static class BadInputCases
{
    // Placeholders filled in by BadInputCatalogueContext.
    public const string Jwt = "@@JWT@@";
    public const string Secret1 = "@@SECRET1@@";       // opens seller s-1's sp-api connection
    public const string Secret2 = "@@SECRET2@@";       // opens seller s-2's sp-api connection
    public const string FreshSecret = "@@FRESHSECRET@@"; // well-formed, opens nothing
    public const string OtherSecret = "@@OTHERSECRET@@"; // well-formed, opens nothing

    public const string Seeded = "s-1";       // sp-api and ads connections
    public const string Mismatched = "s-2";   // sp-api only; the wrong-secret cases use it (4 of its 5 failures a minute)
    public const string Absent = "new-1";     // never stored: a request that got through would create it

    private const string ImportPath = "/v1/sellers/" + Absent + "/connections/sp-api";
    private const string AuthorizePath = "/v1/sellers/" + Absent + "/authorizations";
    private const string VerifyPath = "/v1/sellers/" + Seeded + "/connections/sp-api/verify";
    private const string ReadPath = "/v1/sellers/" + Seeded;
    private const string ProxyPath = "/v1/sellers/" + Seeded + "/sp-api/sellers/v1/marketplaceParticipations";
    private const string GoodImport = """{"region":"na","refreshToken":"Atzr|IwEBIcatalogue-token"}""";
    private const string GoodAuthorize = """{"api":"sp-api","region":"na","redirectUrl":"https://wms.example.com/amazon/done"}""";
    private const string Json = "application/json";

    private const string Auth = "Authorization: Bearer " + Jwt;
    private const string Fresh = "x-amazon-token-secret: " + FreshSecret;
    private const string S1 = "x-amazon-token-secret: " + Secret1;

    public static IReadOnlyList<BadInputCase> All { get; } = Build();

    private static List<BadInputCase> Build()
    {
        var cases = new List<BadInputCase>();
        void Add(string area, string name, string method, string target, string[] headers, string? body, string? contentType, int status, string? code, Answerer answerer = Answerer.Vault) =>
            cases.Add(new BadInputCase(area, name, method, target, headers, body is null ? null : Encoding.UTF8.GetBytes(body), contentType, status, code, answerer));
        void Import(string name, string body, int status = 400, string code = "invalid_request", string contentType = Json, string area = "json") =>
            Add(area, name, "PUT", ImportPath, [Auth, Fresh], body, contentType, status, code);
        void Authorize(string area, string name, string body, int status = 400, string code = "invalid_request", string contentType = Json) =>
            Add(area, name, "POST", AuthorizePath, [Auth, Fresh], body, contentType, status, code);
        void Raw(string area, string name, string raw, int status, string? code = null, Answerer answerer = Answerer.Kestrel) =>
            cases.Add(new BadInputCase(area, name, "", "", [], null, null, status, code, answerer) { Raw = raw });

        // --- Malformed and oversized JSON (PUT import and POST authorizations both read the body with JsonBody).
        Import("truncated object", """{"region":"na",""");
        Import("empty body", "");
        Import("null", "null");
        Import("array", """["na","Atzr|x"]""");
        Import("bare string", "\"na\"");
        Import("trailing garbage", GoodImport + "}");
        Import("comment", """{/* c */"region":"na","refreshToken":"Atzr|x"}""");
        Import("single quotes", """{'region':'na','refreshToken':'Atzr|x'}""");
        Import("NaN literal", """{"region":NaN,"refreshToken":"Atzr|x"}""");
        Import("region is a number", """{"region":5,"refreshToken":"Atzr|x"}""");
        Import("refreshToken is an object", """{"region":"na","refreshToken":{"v":"Atzr|x"}}""");
        Import("nested 5,000 deep", new string('[', 5000) + new string(']', 5000));
        Import("neither token nor record", """{"region":"na"}""");
        Import("both token and record", """{"region":"na","refreshToken":"Atzr|x","dataBorderBlob":"AAAA"}""");
        Import("refreshToken empty", """{"region":"na","refreshToken":""}""");
        Import("refreshToken with a space", """{"region":"na","refreshToken":"Atzr| x"}""");
        Import("refreshToken with NUL escape", """{"region":"na","refreshToken":"Atzr|\u0000x"}""");
        Import("refreshToken with non-ASCII", """{"region":"na","refreshToken":"Atzr|\u00e9t\u00e9"}""");
        Import("refreshToken 2049 characters", $$"""{"region":"na","refreshToken":"{{new string('A', 2049)}}"}""");
        Import("body 20 KiB (over the 16 KiB JSON limit)", $$"""{"region":"na","refreshToken":"Atzr|x","pad":"{{new string('x', 20 * 1024)}}"}""", 413, "payload_too_large");
        Import("body 70 KiB (over the 64 KiB API limit)", $$"""{"region":"na","refreshToken":"Atzr|x","pad":"{{new string('x', 70 * 1024)}}"}""", 413, "payload_too_large");
        cases.Add(new BadInputCase("json", "invalid UTF-8 bytes in a string", "PUT", ImportPath, [Auth, Fresh],
            [.. "{\"region\":\"na\",\"refreshToken\":\"Atzr|"u8, 0xFF, 0xFE, 0xC3, .. "\"}"u8], Json, 400, "invalid_request"));
        Raw("json", "chunked body of 70 KiB (no Content-Length)",
            $"PUT {ImportPath} HTTP/1.1\r\nHost: @@HOST@@\r\nConnection: close\r\nAuthorization: Bearer {Jwt}\r\nx-amazon-token-secret: {FreshSecret}\r\n" +
            $"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{70 * 1024:x}\r\n{{\"pad\":\"{new string('x', 70 * 1024 - 10)}\"}}\r\n0\r\n\r\n",
            413, "payload_too_large", Answerer.Vault);
        Authorize("json", "authorizations: truncated JSON", """{"api":"sp-api",""");
        Authorize("json", "authorizations: array", """[1,2]""");
        Authorize("json", "authorizations: empty body", "");
        Authorize("json", "authorizations: api is a number", """{"api":1,"region":"na","redirectUrl":"https://wms.example.com/x"}""");

        // --- Content types: only application/json (or +json) bodies are read.
        Import("text/plain", GoodImport, contentType: "text/plain", area: "content-type");
        Import("form-urlencoded", "region=na&refreshToken=Atzr%7Cx", contentType: "application/x-www-form-urlencoded", area: "content-type");
        Import("multipart", "--b\r\nContent-Disposition: form-data; name=\"region\"\r\n\r\nna\r\n--b--\r\n", contentType: "multipart/form-data; boundary=b", area: "content-type");
        Import("application/jsonx", GoodImport, contentType: "application/jsonx", area: "content-type");
        Import("JSON sent as UTF-16", GoodImport, contentType: "application/json; charset=utf-16", area: "content-type");
        Add("content-type", "import without Content-Type", "PUT", ImportPath, [Auth, Fresh], GoodImport, null, 400, "invalid_request");
        Authorize("content-type", "authorizations as text/plain", GoodAuthorize, contentType: "text/plain");
        Authorize("content-type", "authorizations as form-urlencoded", "api=sp-api&region=na", contentType: "application/x-www-form-urlencoded");

        // --- Identifiers at and past their limits (docs/API.md "Identifiers").
        Add("identifiers", "sellerId of 128 characters is valid: not found", "GET", "/v1/sellers/" + new string('a', 128), [Auth], null, null, 404, "seller_not_found");
        Add("identifiers", "sellerId of 129 characters", "GET", "/v1/sellers/" + new string('a', 129), [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "sellerId 129 characters on import", "PUT", $"/v1/sellers/{new string('b', 129)}/connections/sp-api", [Auth, Fresh], GoodImport, Json, 400, "invalid_request");
        Add("identifiers", "sellerId 129 characters on authorizations", "POST", $"/v1/sellers/{new string('c', 129)}/authorizations", [Auth, Fresh], GoodAuthorize, Json, 400, "invalid_request");
        Add("identifiers", "sellerId 129 characters on the proxy", "GET", $"/v1/sellers/{new string('d', 129)}/sp-api/orders/v0/orders", [Auth, S1], null, null, 400, "invalid_request");
        Add("identifiers", "sellerId with an encoded space", "GET", "/v1/sellers/a%20b", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "sellerId with an encoded slash", "GET", "/v1/sellers/a%2Fb", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "sellerId with an encoded NUL", "GET", "/v1/sellers/a%00b", [Auth], null, null, 400, null, Answerer.Kestrel);
        Add("identifiers", "sellerId with an encoded tab", "GET", "/v1/sellers/a%09b", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "sellerId with an encoded line feed", "DELETE", "/v1/sellers/a%0Ab", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "sellerId with encoded unicode", "GET", "/v1/sellers/s%C3%A9ller", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "sellerId with raw UTF-8 on the request line", "GET", "/v1/sellers/s\u00e9ller", [Auth], null, null, 400, null, Answerer.Kestrel);
        Add("identifiers", "sellerId with a fullwidth letter", "GET", "/v1/sellers/%EF%BC%A1", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "sellerId with a star", "GET", "/v1/sellers/a*b", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "sellerId '..' resolves to no route", "GET", "/v1/sellers/..", [Auth], null, null, 404, "not_found");
        Add("identifiers", "sellerId %2e%2e resolves to no route", "GET", "/v1/sellers/%2e%2e", [Auth], null, null, 404, "not_found");
        Add("identifiers", "api in capitals", "PUT", $"/v1/sellers/{Absent}/connections/SP-API", [Auth, Fresh], GoodImport, Json, 400, "invalid_request");
        Add("identifiers", "api unknown", "POST", $"/v1/sellers/{Seeded}/connections/mws/verify", [Auth, S1], null, null, 400, "invalid_request");
        Import("region in capitals", """{"region":"NA","refreshToken":"Atzr|x"}""", area: "identifiers");
        Import("region unknown", """{"region":"us","refreshToken":"Atzr|x"}""", area: "identifiers");
        Authorize("identifiers", "authorizations: api sp_api", """{"api":"sp_api","region":"na","redirectUrl":"https://wms.example.com/x"}""");
        Authorize("identifiers", "authorizations: region empty", """{"api":"sp-api","region":"","redirectUrl":"https://wms.example.com/x"}""");
        Authorize("identifiers", "marketplaceId of another region", """{"api":"sp-api","region":"na","marketplaceId":"A1PA6795UKMFR9","redirectUrl":"https://wms.example.com/x"}""");
        Authorize("identifiers", "marketplaceId unknown", """{"api":"sp-api","region":"na","marketplaceId":"A00000000000","redirectUrl":"https://wms.example.com/x"}""");
        Authorize("identifiers", "marketplaceId on ads", """{"api":"ads","region":"na","marketplaceId":"ATVPDKIKX0DER","redirectUrl":"https://wms.example.com/x"}""");
        Authorize("identifiers", "redirectUrl over http", """{"api":"sp-api","region":"na","redirectUrl":"http://wms.example.com/x"}""");
        Authorize("identifiers", "redirectUrl javascript:", """{"api":"sp-api","region":"na","redirectUrl":"javascript:alert(1)"}""");
        Authorize("identifiers", "redirectUrl another origin", """{"api":"sp-api","region":"na","redirectUrl":"https://evil.example.com/x"}""");
        Authorize("identifiers", "redirectUrl allowed origin as a prefix", """{"api":"sp-api","region":"na","redirectUrl":"https://wms.example.com.evil.com/x"}""");
        Authorize("identifiers", "redirectUrl with userinfo", """{"api":"sp-api","region":"na","redirectUrl":"https://wms.example.com@evil.com/x"}""");
        Authorize("identifiers", "redirectUrl with a line feed", """{"api":"sp-api","region":"na","redirectUrl":"https://wms.example.com/x\n.evil"}""");
        Add("identifiers", "audit sellerId of 129 characters", "GET", "/v1/audit?sellerId=" + new string('e', 129), [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "audit sellerId twice", "GET", "/v1/audit?sellerId=a&sellerId=b", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "audit sellerId unicode", "GET", "/v1/audit?sellerId=%C3%A9", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "audit since not a date", "GET", "/v1/audit?since=yesterday", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "list limit 0", "GET", "/v1/sellers?limit=0", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "list limit 501", "GET", "/v1/sellers?limit=501", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "list limit -1", "GET", "/v1/sellers?limit=-1", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "list limit 1e2", "GET", "/v1/sellers?limit=1e2", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "list limit over int", "GET", "/v1/sellers?limit=99999999999999999999", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "list cursor padded", "GET", "/v1/sellers?cursor=YQ==", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "list cursor of invalid UTF-8", "GET", "/v1/sellers?cursor=__8", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "list cursor empty", "GET", "/v1/sellers?cursor=", [Auth], null, null, 400, "invalid_request");
        Add("identifiers", "audit cursor garbage", "GET", "/v1/audit?cursor=%FF%FE", [Auth], null, null, 400, "invalid_request");

        // --- The seller secret (docs/FORMAT.md "The seller secret"): refused before any key derivation.
        void Secret(string name, string[] secretHeaders, string path = VerifyPath) =>
            Add("secret", name, "POST", path, [Auth, .. secretHeaders], null, null, 400, "invalid_secret_format");
        Secret("missing", []);
        Secret("empty", ["x-amazon-token-secret: "]);
        Secret("not base64", ["x-amazon-token-secret: !!!!not-base64-at-all!!!!not-base64-at-all!!"]);
        Secret("base64url alphabet", ["x-amazon-token-secret: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_"]);
        Secret("31 bytes decoded", ["x-amazon-token-secret: " + Convert.ToBase64String(new byte[31])]);
        Secret("65 characters", ["x-amazon-token-secret: " + new string('A', 65)]);
        Secret("inner space", ["x-amazon-token-secret: AAAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAA="]);
        Secret("inner tab", ["x-amazon-token-secret: AAAAAAAAAAAAAAAAAAAAAA\tAAAAAAAAAAAAAAAAAAAAA="]);
        Secret("padding in the middle", ["x-amazon-token-secret: AAAAAAAAAAAAAAAAAAAA==AAAAAAAAAAAAAAAAAAAAAA"]);
        Secret("two secrets joined by a comma", [S1 + "," + Secret1]);
        Secret("sent twice", [S1, S1]);
        Secret("sent twice on the proxy", [S1, "x-amazon-token-secret: " + Secret2], ProxyPath);
        Add("secret", "missing on import", "PUT", ImportPath, [Auth], GoodImport, Json, 400, "invalid_secret_format");
        Add("secret", "missing on authorizations", "POST", AuthorizePath, [Auth], GoodAuthorize, Json, 400, "invalid_secret_format");
        Add("secret", "missing on the proxy", "GET", ProxyPath, [Auth], null, null, 400, "invalid_secret_format");
        Add("secret", "non-ASCII in the secret", "POST", VerifyPath, [Auth, "x-amazon-token-secret: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\u00e9="], null, null, 400, "invalid_secret_format");
        Add("secret", "rotation: new secret missing", "POST", $"/v1/sellers/{Seeded}/secret-rotation", [Auth, S1], null, null, 400, "invalid_secret_format");
        Add("secret", "rotation: new secret malformed", "POST", $"/v1/sellers/{Seeded}/secret-rotation", [Auth, S1, "x-amazon-token-secret-new: short"], null, null, 400, "invalid_secret_format");
        Add("secret", "rotation: new secret sent twice", "POST", $"/v1/sellers/{Seeded}/secret-rotation",
            [Auth, S1, "x-amazon-token-secret-new: " + FreshSecret, "x-amazon-token-secret-new: " + OtherSecret], null, null, 400, "invalid_secret_format");
        Add("secret", "rotation: new secret equals the old", "POST", $"/v1/sellers/{Seeded}/secret-rotation", [Auth, S1, "x-amazon-token-secret-new: " + Secret1], null, null, 400, "invalid_request");
        Add("secret", "wrong secret on verify", "POST", $"/v1/sellers/{Mismatched}/connections/sp-api/verify", [Auth, Fresh], null, null, 403, "secret_mismatch");
        Add("secret", "wrong secret on export", "GET", $"/v1/sellers/{Mismatched}/connections/sp-api/export", [Auth, Fresh], null, null, 403, "secret_mismatch");
        Add("secret", "wrong secret on the proxy", "GET", $"/v1/sellers/{Mismatched}/sp-api/sellers/v1/marketplaceParticipations", [Auth, Fresh], null, null, 403, "secret_mismatch");
        Add("secret", "wrong old secret on rotation", "POST", $"/v1/sellers/{Mismatched}/secret-rotation", [Auth, Fresh, "x-amazon-token-secret-new: " + OtherSecret], null, null, 403, "secret_mismatch");
        Import("Data Border record under another secret", """{"region":"na","dataBorderBlob":"@@DB_OTHER@@"}""", 403, "secret_mismatch", area: "secret");
        Import("Data Border record of 64 bytes (no ciphertext)", """{"region":"na","dataBorderBlob":"@@DB_SHORT@@"}""", area: "secret");
        Import("Data Border record not base64", """{"region":"na","dataBorderBlob":"not base64!"}""", area: "secret");
        Import("Data Border record base64url", """{"region":"na","dataBorderBlob":"@@DB_URLSAFE@@"}""", area: "secret");
        Import("Data Border record over the length limit", $$"""{"region":"na","dataBorderBlob":"{{new string('A', 2900)}}"}""", area: "secret");

        // --- Headers: control characters, non-ASCII, duplicates, sizes.
        Add("headers", "two Authorization headers", "GET", ReadPath, [Auth, Auth], null, null, 401, "unauthenticated");
        Add("headers", "Authorization with non-ASCII", "GET", ReadPath, ["Authorization: Bearer \u00e9" + Jwt], null, null, 401, "unauthenticated");
        Add("headers", "Authorization with a NUL", "GET", ReadPath, ["Authorization: Bearer " + Jwt + "\0"], null, null, 400, null, Answerer.Kestrel);
        Add("headers", "a bare CR inside a header value", "GET", ReadPath, [Auth, "x-note: a\rb"], null, null, 400, null, Answerer.Kestrel);
        Add("headers", "a space in a header name", "GET", ReadPath, [Auth, "x note: a"], null, null, 400, null, Answerer.Kestrel);
        Add("headers", "a header without a colon", "GET", ReadPath, [Auth, "x-note"], null, null, 400, null, Answerer.Kestrel);
        Add("headers", "whitespace before the colon", "GET", ReadPath, ["Authorization : Bearer " + Jwt], null, null, 400, null, Answerer.Kestrel);
        Add("headers", "40 KiB of headers", "GET", ReadPath, [Auth, "x-pad: " + new string('p', 40 * 1024)], null, null, 431, null, Answerer.Kestrel);
        Add("headers", "a 20 KiB request line", "GET", ReadPath + "?q=" + new string('q', 20 * 1024), [Auth], null, null, 414, null, Answerer.Kestrel);
        Raw("headers", "no Host header", $"GET {ReadPath} HTTP/1.1\r\nConnection: close\r\nAuthorization: Bearer {Jwt}\r\n\r\n", 400);
        Raw("headers", "two Host headers", $"GET {ReadPath} HTTP/1.1\r\nHost: @@HOST@@\r\nHost: evil.example.com\r\nConnection: close\r\nAuthorization: Bearer {Jwt}\r\n\r\n", 400);

        // --- JWT attacks (docs/API.md "Callers and credentials"): every one is 401 unauthenticated, and the JWKS/jku/x5u URLs are never fetched.
        void Token(string name, string placeholder, int status = 401, string? code = "unauthenticated", Answerer answerer = Answerer.Vault) =>
            Add("jwt", name, "GET", ReadPath, ["Authorization: Bearer @@" + placeholder + "@@"], null, null, status, code, answerer);
        Add("jwt", "no Authorization header", "GET", ReadPath, [], null, null, 401, "unauthenticated");
        Add("jwt", "Basic credentials", "GET", ReadPath, ["Authorization: Basic d21zOnBhc3N3b3Jk"], null, null, 401, "unauthenticated");
        Add("jwt", "token in the query string", "GET", ReadPath + "?access_token=" + Jwt, [], null, null, 401, "unauthenticated");
        Add("jwt", "token with trailing text", "GET", ReadPath, [Auth + " extra"], null, null, 401, "unauthenticated");
        Token("alg none, unsigned", "JWT_NONE");
        Token("alg none carrying a valid HMAC", "JWT_NONE_HMAC");
        Token("alg NONE", "JWT_NONE_UPPER");
        Token("alg hs256 in lower case", "JWT_HS256_LOWER");
        Token("HS384 with the right secret", "JWT_HS384");
        Token("HS512 with the right secret", "JWT_HS512");
        Token("RS256 with its key embedded as jwk", "JWT_RS256_JWK");
        Token("ES256 with its key embedded as jwk", "JWT_ES256_JWK");
        Token("claims RS256, HMAC'd with the JWT secret (confusion)", "JWT_RS_HMAC");
        Token("HS256 keyed with a public key PEM (confusion)", "JWT_HS_PEM");
        Token("kid path traversal, empty key", "JWT_KID_TRAVERSAL");
        Token("kid SQL injection", "JWT_KID_SQL");
        Token("jku pointing at a key server", "JWT_JKU");
        Token("x5u pointing at a key server", "JWT_X5U");
        Token("x5c with a self-signed certificate", "JWT_X5C");
        Token("expired beyond the 60 s skew", "JWT_EXPIRED");
        Token("not valid for 3 more minutes", "JWT_NBF");
        Token("no exp", "JWT_NO_EXP");
        Token("exp is a string", "JWT_EXP_STRING");
        Token("wrong issuer", "JWT_WRONG_ISS");
        Token("issuer differing in case", "JWT_ISS_CASE");
        Token("no issuer", "JWT_NO_ISS");
        Token("wrong audience", "JWT_WRONG_AUD");
        Token("audience array without ours", "JWT_AUD_ARRAY");
        Token("no audience", "JWT_NO_AUD");
        Token("signed with another secret", "JWT_OTHER_SECRET");
        Token("payload edited after signing", "JWT_EDITED");
        Token("signature stripped", "JWT_STRIPPED");
        Token("five parts (JWE shape)", "JWT_FIVE_PARTS");
        Token("garbage", "JWT_GARBAGE");
        Token("tenant a/b", "JWT_TENANT_SLASH");
        Token("two tenants", "JWT_TENANT_ARRAY");
        Token("empty tenant", "JWT_TENANT_EMPTY");
        Token("over 8 KiB, validly signed", "JWT_HUGE");
        Token("40 KiB", "JWT_40K", 431, null, Answerer.Kestrel);
        Add("jwt", "read scope on a write", "PUT", ImportPath, ["Authorization: Bearer @@JWT_READ@@", Fresh], GoodImport, Json, 403, "insufficient_scope");
        Add("jwt", "no amazon:call on the proxy", "GET", ProxyPath, ["Authorization: Bearer @@JWT_READ@@", S1], null, null, 403, "insufficient_scope");
        Add("jwt", "no audit:read on the audit", "GET", "/v1/audit", ["Authorization: Bearer @@JWT_READ@@"], null, null, 403, "insufficient_scope");
        Add("jwt", "scope in capitals", "GET", ReadPath, ["Authorization: Bearer @@JWT_SCOPE_CAPS@@"], null, null, 403, "insufficient_scope");

        // --- Path tricks on the proxy routes: refused, never cleaned up into another path.
        void Path(string name, string target, int status = 400, string? code = "invalid_request", Answerer answerer = Answerer.Vault) =>
            Add("proxy", name, "GET", target, [Auth, S1], null, null, status, code, answerer);
        const string Sp = "/v1/sellers/" + Seeded + "/sp-api";
        Path("no path after the api", Sp);
        Path("a trailing slash only", Sp + "/");
        Path("../ climbing out", Sp + "/../../../etc/passwd", 404, "not_found");
        Path("../ into the ads route", Sp + "/orders/../../ads/v2/profiles", 400, "invalid_request");
        // Kestrel resolves dot segments, plain or %2e, before routing: such a target leaves the proxy route for a vault route
        // (same caller, same checks) and never reaches Amazon.
        Path("encoded dot segments land on the seller route", Sp + "/%2e%2e/%2e%2e/admin", 404, "seller_not_found");
        Path("encoded dot-dot-slash", Sp + "/%2E%2E%2Fevil");
        Path("dot-dot with encoded slash", Sp + "/..%2f..%2fevil.com");
        Path("double-encoded dots", Sp + "/%252e%252e/evil");
        Path("double-encoded slash", Sp + "/a%252fb");
        Path("empty segment (//host)", Sp + "//evil.com/x");
        Path("encoded //host", Sp + "/%2F%2Fevil.com/x");
        Path("encoded backslashes", Sp + "/a%5c..%5cb");
        Path("raw backslash", Sp + "/a\\b");
        Path("single dot segment", Sp + "/.");
        Path("encoded NUL in the path", Sp + "/x%00y", 400, null, Answerer.Kestrel);
        Path("encoded line feed in the path", Sp + "/x%0Ay");
        Path("raw DEL in the query", Sp + "/sellers/v1/x?a=\u007fb", 400, null, Answerer.Kestrel);
        Path("absolute-form target naming another host", "http://evil.com" + Sp + "/sellers/v1/marketplaceParticipations", 400, null, Answerer.Kestrel);
        Path("absolute-form target naming the vault", "http://@@HOST@@" + Sp + "/sellers/v1/marketplaceParticipations");
        Path("ads: encoded dot segments land on no route", "/v1/sellers/" + Seeded + "/ads/%2e%2e/x", 404, "not_found");
        Add("proxy", "restricted-data header on ads", "GET", "/v1/sellers/" + Seeded + "/ads/v2/profiles",
            [Auth, "x-amazon-token-secret: @@SECRET1_ADS@@", "x-vault-restricted-data-elements: buyerInfo"], null, null, 400, "invalid_request");
        Add("proxy", "unknown restricted-data element", "GET", Sp + "/orders/v0/orders/123",
            [Auth, S1, "x-vault-restricted-data-elements: everything"], null, null, 400, "invalid_request");
        Add("proxy", "seller with no connection", "GET", "/v1/sellers/" + Absent + "/sp-api/sellers/v1/marketplaceParticipations", [Auth, Fresh], null, null, 404, "connection_not_found");
        Add("proxy", "ads of a seller with only sp-api", "GET", "/v1/sellers/" + Mismatched + "/ads/v2/profiles", [Auth, Fresh], null, null, 404, "connection_not_found");

        // --- Routing: other methods and paths.
        Add("routing", "PATCH on a seller", "PATCH", ReadPath, [Auth], "{}", Json, 405, "method_not_allowed");
        Add("routing", "GET on authorizations", "GET", AuthorizePath, [Auth], null, null, 405, "method_not_allowed");
        Add("routing", "unknown path", "GET", "/v1/nothing-here", [Auth], null, null, 404, "not_found");

        // --- OAuth tampering: the plain 400 page, never a redirect, nothing stored or consumed.
        void OAuth(string name, string target, params string[] headers) =>
            Add("oauth", name, "GET", target, headers, null, null, 400, null, Answerer.OAuthPage);
        OAuth("start without a ticket", "/oauth/start");
        OAuth("start with a garbage ticket", "/oauth/start?ticket=garbage");
        OAuth("start with a ticket already redeemed", "/oauth/start?ticket=@@TICKET_USED@@");
        OAuth("start with a live ticket, one character changed", "/oauth/start?ticket=@@TICKET_FRESH_FLIPPED@@");
        OAuth("start with a live ticket, truncated", "/oauth/start?ticket=@@TICKET_FRESH_TRUNCATED@@");
        OAuth("start with two tickets", "/oauth/start?ticket=@@TICKET_FRESH@@&ticket=@@TICKET_FRESH@@");
        OAuth("start with the cookie as the ticket", "/oauth/start?ticket=@@COOKIE@@");
        Add("oauth", "start with a 9,000-character ticket (over the request-line limit)", "GET", "/oauth/start?ticket=" + new string('A', 9000), [], null, null, 414, null, Answerer.Kestrel);
        const string Callback = "/oauth/callback?state=@@STATE@@&selling_partner_id=@@SPID@@&spapi_oauth_code=@@CODE@@";
        OAuth("callback without the cookie", Callback);
        OAuth("callback with the state changed", "/oauth/callback?state=@@STATE_FLIPPED@@&selling_partner_id=@@SPID@@&spapi_oauth_code=@@CODE@@", "Cookie: vault_oauth=@@COOKIE@@");
        OAuth("callback without a state", "/oauth/callback?selling_partner_id=@@SPID@@&spapi_oauth_code=@@CODE@@", "Cookie: vault_oauth=@@COOKIE@@");
        OAuth("callback with two states", Callback + "&state=@@STATE@@", "Cookie: vault_oauth=@@COOKIE@@");
        OAuth("callback with a 3,000-character state", "/oauth/callback?state=" + new string('s', 3000) + "&spapi_oauth_code=@@CODE@@", "Cookie: vault_oauth=@@COOKIE@@");
        OAuth("callback with the cookie changed", Callback, "Cookie: vault_oauth=@@COOKIE_FLIPPED@@");
        OAuth("callback with the ticket as the cookie", Callback, "Cookie: vault_oauth=@@TICKET_FRESH@@");
        OAuth("callback with a 9,000-character cookie", Callback, "Cookie: vault_oauth=" + new string('A', 9000));
        OAuth("callback replayed after it completed", "@@DONE_CALLBACK@@", "Cookie: vault_oauth=@@DONE_COOKIE@@");
        OAuth("callback with an error and no cookie", "/oauth/callback?error=access_denied&state=@@STATE@@&redirect_uri=https%3A%2F%2Fevil.example.com");

        // --- Request smuggling and framing: Kestrel refuses, closes the connection, and never answers the hidden second request.
        const string Hidden = "GET /healthz HTTP/1.1\r\nHost: @@HOST@@\r\n\r\n";
        const string Head = "POST " + AuthorizePath + " HTTP/1.1\r\nHost: @@HOST@@\r\nAuthorization: Bearer " + Jwt + "\r\nx-amazon-token-secret: " + FreshSecret + "\r\nContent-Type: application/json\r\n";
        Raw("smuggling", "Content-Length and Transfer-Encoding", Head + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + Hidden, 400);
        Raw("smuggling", "Transfer-Encoding and Content-Length", Head + "Transfer-Encoding: chunked\r\nContent-Length: 60\r\n\r\n0\r\n\r\n" + Hidden, 400);
        Raw("smuggling", "two different Content-Lengths", Head + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}" + Hidden, 400);
        Raw("smuggling", "a Content-Length list", Head + "Content-Length: 2, 40\r\n\r\n{}" + Hidden, 400);
        Raw("smuggling", "a negative Content-Length", Head + "Content-Length: -1\r\n\r\n{}" + Hidden, 400);
        // Not here: "Content-Length: +2", which Kestrel reads as 2 (docs/RELIABILITY.md, "Bad input").
        // Chunk errors surface while the vault reads the body: it answers 400 invalid_request, and Kestrel closes the connection.
        const string ImportHead = "PUT " + ImportPath + " HTTP/1.1\r\nHost: @@HOST@@\r\nAuthorization: Bearer " + Jwt + "\r\nx-amazon-token-secret: " + FreshSecret + "\r\nContent-Type: application/json\r\n";
        foreach (var (route, head) in new[] { ("authorizations", Head), ("import", ImportHead) })
        {
            Raw("smuggling", route + ": a chunk size that is not hex", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n" + Hidden, 400, "invalid_request", Answerer.Vault);
            Raw("smuggling", route + ": a 17-digit chunk size (overflows)", head + "Transfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\n{}\r\n0\r\n\r\n" + Hidden, 400, "invalid_request", Answerer.Vault);
            Raw("smuggling", route + ": a chunk longer than its size", head + "Transfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n" + Hidden, 400, "invalid_request", Answerer.Vault);
        }
        Raw("smuggling", "chunked not the final coding", Head + "Transfer-Encoding: chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + Hidden, 400);
        Raw("smuggling", "an obs-folded Transfer-Encoding", Head + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" + Hidden, 400);
        Raw("smuggling", "an obs-folded header", Head + "x-note: a\r\n b\r\nContent-Length: 2\r\n\r\n{}" + Hidden, 400);
        Raw("smuggling", "a bare LF ending the request line", "GET /healthz HTTP/1.1\nHost: @@HOST@@\r\n\r\n" + Hidden, 400);
        Raw("smuggling", "bare LFs ending the headers", "POST " + AuthorizePath + " HTTP/1.1\r\nHost: @@HOST@@\nContent-Length: 2\n\n{}" + Hidden, 400);
        Raw("smuggling", "a NUL on the request line", "GET /healthz\0 HTTP/1.1\r\nHost: @@HOST@@\r\n\r\n" + Hidden, 400);
        Raw("smuggling", "two spaces on the request line", "GET  /healthz HTTP/1.1\r\nHost: @@HOST@@\r\n\r\n" + Hidden, 400);
        return cases;
    }
}
