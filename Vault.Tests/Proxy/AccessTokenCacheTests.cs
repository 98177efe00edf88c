using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vault.Api.Tokens;
using Vault.Crypto;
using Vault.Crypto.Formats;
using Vault.Storage;
using Vault.Tests.Support;

namespace Vault.Tests.Proxy;

public class AccessTokenCacheTests
{
    private const string Participations = "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations";

    [Fact]
    public async Task AHundredConcurrentFirstCallsMakeOneLwaCallAndOneKeyDerivation()
    {
        // A hundred calls at once are far beyond getMarketplaceParticipations' burst of 15: pacing (PacingTests) would hold them back.
        await using var vault = await VaultHarness.StartAsync(settings => settings["AMAZON_PACING"] = "false");
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        var kdf = vault.Services.GetRequiredService<KdfGate>();
        var before = kdf.Derivations;

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, vault.Simulator.State.Calls.TokenCallsByGrantType.GetValueOrDefault("refresh_token"));
        Assert.Equal(1, kdf.Derivations - before);
        foreach (var response in responses)
            response.Dispose();
    }

    [Fact]
    public async Task AWarmCacheDerivesNothingAndAWrongSecretNeverGetsTheCachedToken()
    {
        await using var vault = await VaultHarness.StartAsync();
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        var kdf = vault.Services.GetRequiredService<KdfGate>();
        using (var warm = await vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret))
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        var before = kdf.Derivations;

        using (var hit = await vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret))
            Assert.Equal(HttpStatusCode.OK, hit.StatusCode);
        Assert.Equal(before, kdf.Derivations);

        using var wrong = await vault.SendAsync(HttpMethod.Get, Participations, SellerSecret.Generate());
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Contains("secret_mismatch", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before + 1, kdf.Derivations); // the wrong secret had to go the whole way
        Assert.Equal(2, vault.Simulator.State.Calls.Snapshot().Count(c => c.Host.StartsWith("sellingpartnerapi", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task AWrongSecretGuesserIsSlowedToAFewTriesAMinute()
    {
        await using var vault = await VaultHarness.StartAsync();
        await Seed.ConnectionAsync(vault, "seller-1");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < SecretGuessLimiter.FailuresPerWindow + 2; i++)
        {
            using var response = await vault.SendAsync(HttpMethod.Get, Participations, SellerSecret.Generate());
            statuses.Add(response.StatusCode);
            if (response.StatusCode == (HttpStatusCode)429)
                Assert.True(response.Headers.RetryAfter is not null);
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Forbidden, SecretGuessLimiter.FailuresPerWindow), statuses.Take(SecretGuessLimiter.FailuresPerWindow));
        Assert.All(statuses.Skip(SecretGuessLimiter.FailuresPerWindow), s => Assert.Equal((HttpStatusCode)429, s));
    }

    [Fact]
    public async Task AMintThatStartsJustAfterAnotherStoredItsTokenUsesThatTokenInstead()
    {
        var cache = new AccessTokenCache();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var now = clock.GetUtcNow();
        var connection = new Connection("t", "seller-1", "sp-api", "na", null, ConnectionStatus.Active, TokenFormats.V1, [1, 2, 3], now, now, null);
        using var secret = SellerSecret.Parse(SellerSecret.Generate());
        var verifier = new byte[AccessTokenCache.VerifierBytes];
        cache.Verifier(connection, secret, verifier);
        var mints = 0;
        Task<AccessTokenResult> Mint()
        {
            mints++;
            var at = clock.GetUtcNow();
            return Task.FromResult(new AccessTokenResult(cache.Store(connection, verifier, "Atza|" + mints, at + TimeSpan.FromHours(1), at + TimeSpan.FromMinutes(55)), TokenFailure.None));
        }

        var first = await cache.GetOrMintAsync(connection, verifier, clock, Mint);
        // A caller that missed the cache just before the first flight stored its token, and reached the flight after it ended.
        var late = await cache.GetOrMintAsync(connection, verifier, clock, Mint);
        Assert.Equal(1, mints);
        Assert.Same(first.Entry, late.Entry);

        clock.Advance(TimeSpan.FromMinutes(56));
        var refreshed = await cache.GetOrMintAsync(connection, verifier, clock, Mint);
        Assert.Equal(2, mints);
        Assert.Equal("Atza|2", refreshed.AccessToken);
    }
}
