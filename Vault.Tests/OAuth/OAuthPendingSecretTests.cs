using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vault.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.OAuth;

/// <summary>
/// The seller secret of a pending authorization stays in the vault's database, sealed under a key that only the URL
/// (then the cookie) carries, and leaves the database when the authorization is redeemed or expires. An attacker
/// who later holds the database files, COOKIE_ENCRYPTION_KEY and an archived URL and cookie opens nothing.
/// </summary>
public class OAuthPendingSecretTests
{
    private const string Seller = "seller-1";
    private const int Run = 16;

    [Fact]
    public async Task TheAuthorizeUrlCarriesTheSecretInNoFormEvenUnderTheCookieKey()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();

        var url = await new OAuthBrowser(vault).AuthorizeUrlAsync(Seller, secret, "sp-api", "na");

        AssertOpensToNoSecret(secret, url.ToString());
    }

    [Fact]
    public async Task AfterTheCallbackTheDatabaseTheCookieKeyTheUrlAndTheCookieOpenNothing()
    {
        await using var vault = await VaultHarness.StartAsync();
        var browser = new OAuthBrowser(vault);
        var secret = SellerSecret.Generate();
        var url = await browser.AuthorizeUrlAsync(Seller, secret, "sp-api", "na");
        var pending = await PendingBlobsAsync(vault);
        using var start = await browser.StartAsync(url);
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        pending.AddRange(await PendingBlobsAsync(vault));

        using var done = await browser.CallbackAsync(await browser.ConsentAsync(start.Headers.Location!, "allow"));

        Assert.Contains("status=connected", done.Headers.Location!.Query, StringComparison.Ordinal);
        AssertOpensToNoSecret(secret, url.ToString(), browser.Cookie!);
        await AssertNothingLeftAsync(vault, pending);
        Assert.NotEmpty(pending); // the secret was somewhere while the authorization was pending: in those rows
    }

    [Fact]
    public async Task AfterExpiryTheDatabaseTheCookieKeyTheUrlAndTheCookieOpenNothing()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var vault = await VaultHarness.StartAsync(host: b => b.Services.AddSingleton<TimeProvider>(clock));
        var secret = SellerSecret.Generate();
        // One ticket never opened, one flow abandoned on Amazon's page (its state pending, its cookie in the browser).
        var unopened = await new OAuthBrowser(vault).AuthorizeUrlAsync(Seller, secret, "sp-api", "na");
        var browser = new OAuthBrowser(vault);
        var abandoned = await browser.AuthorizeUrlAsync(Seller, secret, "ads", "eu");
        using (var start = await browser.StartAsync(abandoned))
            Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var pending = await PendingBlobsAsync(vault);

        // Nobody comes back: no request reaches the vault after the links expire.
        var watch = Stopwatch.StartNew();
        for (var minute = 0; minute < 12; minute++)
            clock.Advance(TimeSpan.FromMinutes(1));
        while (await OneTimeRowsAsync(vault) > 0 && watch.Elapsed < TimeSpan.FromSeconds(15))
            await Task.Delay(100);

        AssertOpensToNoSecret(secret, unopened.ToString(), abandoned.ToString(), browser.Cookie!);
        await AssertNothingLeftAsync(vault, pending);
        Assert.NotEmpty(pending);
    }

    /// <summary>No row is left, and no 16-byte run of any blob a pending row held is in the database files, read raw.</summary>
    private static async Task AssertNothingLeftAsync(VaultHarness vault, List<byte[]> pending)
    {
        Assert.Equal(0, await OneTimeRowsAsync(vault));
        foreach (var path in new[] { vault.DatabasePath, vault.DatabasePath + "-wal" })
        {
            if (!File.Exists(path))
                continue;
            var bytes = ReadShared(path);
            foreach (var blob in pending)
            {
                for (var i = 0; i + Run <= blob.Length; i++)
                    Assert.True(bytes.AsSpan().IndexOf(blob.AsSpan(i, Run)) < 0, $"bytes {i}..{i + Run} of a pending row's blob are still in {Path.GetFileName(path)}");
            }
        }
    }

    /// <summary>
    /// Every value the attacker holds (the URLs' query values, the cookie), as it is and as it opens under
    /// COOKIE_ENCRYPTION_KEY for either OAuth purpose, holds the secret neither as text nor as bytes.
    /// </summary>
    private static void AssertOpensToNoSecret(string secret, params string[] held)
    {
        var secretBytes = Convert.FromBase64String(secret);
        byte[][] forms = [Encoding.UTF8.GetBytes(secret), secretBytes, Encoding.UTF8.GetBytes(Base64Url.EncodeToString(secretBytes)),
            Encoding.UTF8.GetBytes(Convert.ToHexString(secretBytes)), Encoding.UTF8.GetBytes(Convert.ToHexStringLower(secretBytes)),
            Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(secret).Trim('"'))]; // JSON writes + as \u002B
        using var tickets = new PayloadSealer(VaultHarness.CookieKey, "oauth-ticket");
        using var cookies = new PayloadSealer(VaultHarness.CookieKey, "oauth-cookie");
        foreach (var value in held.SelectMany(Values))
        {
            var decoded = Base64Url.IsValid(value) ? Base64Url.DecodeFromChars(value) : [];
            foreach (var candidate in new[] { Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(Uri.UnescapeDataString(value)), decoded, tickets.Unseal(value), cookies.Unseal(value) })
            {
                if (candidate is null)
                    continue;
                foreach (var form in forms)
                    Assert.True(candidate.AsSpan().IndexOf(form) < 0, "a value the attacker holds opens to the seller secret");
            }
        }
    }

    /// <summary>A URL's query values, or a cookie's value; and each part of them split at the characters base64url does not use.</summary>
    private static IEnumerable<string> Values(string held)
    {
        IEnumerable<string> whole = held.StartsWith("vault_oauth=", StringComparison.Ordinal)
            ? [held["vault_oauth=".Length..]]
            : OAuthBrowser.Query(new Uri(held)).Values;
        return whole.SelectMany(v => v.Split('.', '~', '!', ':', '|').Prepend(v)).Where(v => v.Length > 0).Distinct();
    }

    /// <summary>Every blob and text value the pending one-time rows hold now, read straight from the database.</summary>
    private static async Task<List<byte[]>> PendingBlobsAsync(VaultHarness vault)
    {
        await using var db = Open(vault);
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT * FROM oauth_one_time;";
        await using var reader = await command.ExecuteReaderAsync();
        var blobs = new List<byte[]>();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                if (!reader.IsDBNull(i) && reader.GetValue(i) is byte[] blob && blob.Length >= Run)
                    blobs.Add(blob);
            }
        }
        return blobs;
    }

    private static async Task<long> OneTimeRowsAsync(VaultHarness vault)
    {
        await using var db = Open(vault);
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM oauth_one_time;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static SqliteConnection Open(VaultHarness vault)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = vault.DatabasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        db.Open();
        return db;
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
