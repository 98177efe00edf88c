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
}
