using System.Net;
using Vault.Crypto;
using Vault.Storage.Sqlite;
using Vault.Tests.Support;

namespace Vault.Tests.Sellers;

public class DeleteTests
{
    [Fact]
    public async Task DeletingAConnectionWipesItsBlobFromTheDatabaseFiles()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        var token = await vault.ConnectAsync("seller-1", secret, "sp-api", "eu");
        await vault.ConnectAsync("seller-1", secret, "ads");
        var blob = (await vault.Store.GetConnectionAsync("default", "seller-1", "sp-api"))!.Blob;
        Assert.True(await FilesContainAsync(vault, blob));

        using var response = await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-1/connections/sp-api", jwt: vault.Jwt("connections:write"));

        var body = await response.OkJsonAsync();
        var deleted = Assert.Single(body.GetProperty("deleted").EnumerateArray());
        Assert.Equal("sp-api", deleted.GetProperty("api").GetString());
        Assert.False(deleted.TryGetProperty("blob", out _));
        Assert.Equal("https://sellercentral-europe.amazon.com/apps/manage", body.GetProperty("revokeUrl").GetString());
        Assert.DoesNotContain(token, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await vault.Store.GetConnectionAsync("default", "seller-1", "sp-api"));
        Assert.NotNull(await vault.Store.GetConnectionAsync("default", "seller-1", "ads"));
        Assert.False(await FilesContainAsync(vault, blob));
        var audit = await vault.Store.QueryAuditAsync("default", "seller-1", null, 10, null);
        Assert.Single(audit.Items, e => e.Action == "connection.deleted" && e.Api == "sp-api");

        using var again = await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-1/connections/sp-api");
        await again.AssertProblemAsync(HttpStatusCode.NotFound, "connection_not_found");
    }

    [Fact]
    public async Task WhenTheDeleteReturnsNoSixteenByteRunOfTheCiphertextIsLeftInTheDatabaseOrItsWal()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("seller-1", secret, "sp-api", "eu");
        await vault.ConnectAsync("seller-1", secret, "ads");
        var blob = (await vault.Store.GetConnectionAsync("default", "seller-1", "sp-api"))!.Blob;
        Assert.NotEmpty(await RunsLeftAsync(vault, blob));

        // No checkpoint by the test: what the files hold the moment the answer arrives is what a copy of them would hold.
        using var response = await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-1/connections/sp-api");

        await response.OkJsonAsync();
        Assert.Empty(await RunsLeftAsync(vault, blob));
        Assert.NotNull(await vault.Store.GetConnectionAsync("default", "seller-1", "ads"));
    }

    [Fact]
    public async Task DeletingASellerWipesEveryConnectionAndPointsToBothRevokePages()
    {
        await using var vault = await VaultHarness.StartAsync();
        var secret = SellerSecret.Generate();
        await vault.ConnectAsync("seller-1", secret, "sp-api", "na");
        await vault.ConnectAsync("seller-1", secret, "ads");
        var blobs = (await vault.Store.GetSellerConnectionsAsync("default", "seller-1")).Select(c => c.Blob).ToList();
        await (await vault.VerifyAsync("seller-1", "ads", secret)).OkJsonAsync();

        using var response = await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-1");

        var body = await response.OkJsonAsync();
        Assert.Equal(["ads", "sp-api"], body.GetProperty("deleted").EnumerateArray().Select(c => c.GetProperty("api").GetString()));
        Assert.Equal("https://sellercentral.amazon.com/apps/manage", body.GetProperty("revokeUrl").GetString());
        Assert.Equal("https://www.amazon.com/ap/adam", body.GetProperty("revokeUrls").GetProperty("ads").GetString());
        Assert.Empty(await vault.Store.GetSellerConnectionsAsync("default", "seller-1"));
        foreach (var blob in blobs)
            Assert.False(await FilesContainAsync(vault, blob));

        using var seller = await vault.SendAsync(HttpMethod.Get, "/v1/sellers/seller-1");
        using var verify = await vault.VerifyAsync("seller-1", "ads", secret);
        using var again = await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-1");
        await seller.AssertProblemAsync(HttpStatusCode.NotFound, "seller_not_found");
        await verify.AssertProblemAsync(HttpStatusCode.NotFound, "connection_not_found");
        await again.AssertProblemAsync(HttpStatusCode.NotFound, "seller_not_found");
    }

    [Fact]
    public async Task DeletingAnAdsConnectionPointsToTheLoginWithAmazonPage()
    {
        await using var vault = await VaultHarness.StartAsync();
        await vault.ConnectAsync("seller-1", SellerSecret.Generate(), "ads", "eu");

        using var response = await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-1/connections/ads");

        Assert.Equal("https://www.amazon.com/ap/adam", (await response.OkJsonAsync()).GetProperty("revokeUrl").GetString());
    }

    [Fact]
    public async Task DeletingNeedsTheWriteScope()
    {
        await using var vault = await VaultHarness.StartAsync();
        await vault.ConnectAsync("seller-1", SellerSecret.Generate());

        using var one = await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-1/connections/sp-api", jwt: vault.Jwt("connections:read"));
        using var all = await vault.SendAsync(HttpMethod.Delete, "/v1/sellers/seller-1", jwt: vault.Jwt("connections:read audit:read"));

        await one.AssertProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        await all.AssertProblemAsync(HttpStatusCode.Forbidden, "insufficient_scope");
        Assert.NotNull(await vault.Store.GetConnectionAsync("default", "seller-1", "sp-api"));
    }

    /// <summary>Checkpoints the WAL into the main file, then looks for the bytes in both files.</summary>
    private static async Task<bool> FilesContainAsync(VaultHarness vault, byte[] blob)
    {
        Assert.True(await ((SqliteVaultStore)vault.Store).CheckpointAsync());
        foreach (var path in new[] { vault.DatabasePath, vault.DatabasePath + "-wal" })
        {
            if (File.Exists(path) && SellerCalls.Contains(await ReadSharedAsync(path), blob))
                return true;
        }
        return false;
    }

    /// <summary>Each file (the database and its -wal) and offset in the blob where a 16-byte run of it is found, read raw.</summary>
    private static async Task<List<string>> RunsLeftAsync(VaultHarness vault, byte[] blob)
    {
        const int Run = 16;
        var found = new List<string>();
        foreach (var path in new[] { vault.DatabasePath, vault.DatabasePath + "-wal" })
        {
            if (!File.Exists(path))
                continue;
            var bytes = await ReadSharedAsync(path);
            for (var start = 0; start + Run <= blob.Length; start++)
            {
                if (bytes.AsSpan().IndexOf(blob.AsSpan(start, Run)) >= 0)
                    found.Add($"{Path.GetFileName(path)}@{start}");
            }
        }
        return found;
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await file.CopyToAsync(copy);
        return copy.ToArray();
    }
}
