using System.Runtime.CompilerServices;
using Vault.Api.Tokens;
using Vault.Crypto.Formats;
using Vault.Storage;

namespace Vault.Tests.Proxy;

/// <summary>
/// What the vault keeps per warm connection (issue 18: ≤ 2 KiB each, 10,000 of them in ≤ 20 MiB): the cache entry,
/// not an object graph for features the connection has not used.
/// </summary>
public class WarmConnectionMemoryTests
{
    [Fact]
    public void ACachedAccessTokenCostsAFewHundredBytesBesidesTheTokenUntilTheConnectionAsksForAnRdt()
    {
        const int connections = 2_000;
        var cache = new AccessTokenCache();
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        // The token, the row's blob and the verifier come from the caller; only what the cache adds is counted.
        var rows = Enumerable.Range(0, connections)
            .Select(i => new Connection("t", $"seller-{i}", "sp-api", "na", null, ConnectionStatus.Active, TokenFormats.V1, [1, 2, 3], now, now, null))
            .ToArray();
        var verifier = new byte[AccessTokenCache.VerifierBytes];
        const string token = "Atza|token";

        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var row in rows)
            cache.Store(row, verifier, token, now + TimeSpan.FromHours(1), now + TimeSpan.FromMinutes(55));
        var perEntry = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)connections;

        // The entry and its dictionary node, plus the dictionary's growth spread over the entries: ~200 B. An RDT cache
        // (two concurrent dictionaries) made for every entry cost ~1.2 KiB more, for the few connections that use RDTs.
        Assert.True(perEntry <= 400, $"{perEntry:F0} bytes per cached access token");
        Assert.Equal(connections, cache.Count);
    }

    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Connection Row(byte[] blob) =>
        new("t", "seller-1", "sp-api", "na", null, ConnectionStatus.Active, TokenFormats.V1, blob, Now, Now, null);

    // Not inlined, so that no local of this frame keeps the blob alive while the test collects.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference StoreFromABlobNobodyElseHolds(AccessTokenCache cache, byte[] verifier)
    {
        var blob = new byte[400];
        Random.Shared.NextBytes(blob);
        cache.Store(Row(blob), verifier, "Atza|token", Now + TimeSpan.FromHours(1), Now + TimeSpan.FromMinutes(55));
        return new WeakReference(blob);
    }

    [Fact]
    public void TheEntryDoesNotKeepTheRowsBlob()
    {
        var cache = new AccessTokenCache();
        var verifier = new byte[AccessTokenCache.VerifierBytes];

        var blob = StoreFromABlobNobodyElseHolds(cache, verifier);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        // The blob (~400 B of ciphertext per connection) was a quarter of what each warm connection kept.
        Assert.False(blob.IsAlive, "the cache entry still holds the row's blob");
        Assert.Equal(1, cache.Count);
    }

    [Fact]
    public void TheEntryServesWhileTheRowHoldsTheSameBlobAndNotAfterItChanged()
    {
        var cache = new AccessTokenCache();
        var verifier = new byte[AccessTokenCache.VerifierBytes];
        byte[] blob = [.. Enumerable.Range(0, 400).Select(i => (byte)i)];
        cache.Store(Row(blob), verifier, "Atza|token", Now + TimeSpan.FromHours(1), Now + TimeSpan.FromMinutes(55));

        Assert.NotNull(cache.Find(Row([.. blob]), verifier, Now)); // the same bytes, read again from the row
        var rotated = blob.ToArray();
        rotated[^1] ^= 1;
        Assert.Null(cache.Find(Row(rotated), verifier, Now));
        Assert.Null(cache.Find(Row(blob[..^1]), verifier, Now));
    }
}
