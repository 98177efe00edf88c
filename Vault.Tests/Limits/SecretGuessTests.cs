using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vault.Api.Tokens;
using Vault.Crypto;
using Vault.Tests.Support;

namespace Vault.Tests.Limits;

/// <summary>
/// The wrong-secret limit (issue 13, defect 5): a burst cannot buy more guesses than the limit, and guessers cannot
/// lock out a WMS whose secret already opened the token.
/// </summary>
public class SecretGuessTests
{
    private const string Participations = "/v1/sellers/seller-1/sp-api/sellers/v1/marketplaceParticipations";

    [Fact]
    public async Task AConcurrentBurstOfWrongSecretsGetsNoMoreKeyDerivationsThanTheLimit()
    {
        await using var vault = await VaultHarness.StartAsync();
        await Seed.ConnectionAsync(vault, "seller-1");
        var kdf = vault.Services.GetRequiredService<KdfGate>();
        var before = kdf.Derivations;

        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var guesses = Enumerable.Range(0, 30).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            using var response = await vault.SendAsync(HttpMethod.Get, Participations, SellerSecret.Generate());
            return response.StatusCode;
        })).ToList();
        go.SetResult();
        var statuses = await Task.WhenAll(guesses);

        Assert.InRange(kdf.Derivations - before, 1, SecretGuessLimiter.FailuresPerWindow);
        Assert.Equal(kdf.Derivations - before, statuses.Count(s => s == HttpStatusCode.Forbidden));
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Forbidden or (HttpStatusCode)429, $"{s}"));
    }

    [Fact]
    public async Task ASecretThatOpenedTheTokenBeforeIsNotLockedOutByGuessersWhenItsTokenMustBeMintedAgain()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var vault = await VaultHarness.StartAsync(host: b => b.Services.AddSingleton<TimeProvider>(clock));
        var seeded = await Seed.ConnectionAsync(vault, "seller-1");
        using (var first = await vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        // Past the cached access token's refresh point (an hour less the margin), inside one guessing window.
        clock.Advance(TimeSpan.FromMinutes(56));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < SecretGuessLimiter.FailuresPerWindow + 1; i++)
        {
            using var wrong = await vault.SendAsync(HttpMethod.Get, Participations, SellerSecret.Generate());
            statuses.Add(wrong.StatusCode);
        }
        using var right = await vault.SendAsync(HttpMethod.Get, Participations, seeded.Secret);
        using var stranger = await vault.SendAsync(HttpMethod.Get, Participations, SellerSecret.Generate());

        Assert.Equal((HttpStatusCode)429, statuses[^1]);
        Assert.True(right.StatusCode == HttpStatusCode.OK, $"{(int)right.StatusCode}: {await right.Content.ReadAsStringAsync()}");
        Assert.Equal(2, vault.Simulator.State.Calls.TokenCallsByGrantType.GetValueOrDefault("refresh_token"));
        Assert.Equal((HttpStatusCode)429, stranger.StatusCode); // the exemption is that secret's, not everyone's
    }

    [Fact]
    public async Task TheGuessingWindowFollowsTheVaultsClock()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var vault = await VaultHarness.StartAsync(host: b => b.Services.AddSingleton<TimeProvider>(clock));
        await Seed.ConnectionAsync(vault, "seller-1");
        for (var i = 0; i < SecretGuessLimiter.FailuresPerWindow; i++)
        {
            using var wrong = await vault.SendAsync(HttpMethod.Get, Participations, SellerSecret.Generate());
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        }

        using var blocked = await vault.SendAsync(HttpMethod.Get, Participations, SellerSecret.Generate());
        clock.Advance(SecretGuessLimiter.Window);
        using var again = await vault.SendAsync(HttpMethod.Get, Participations, SellerSecret.Generate());

        Assert.Equal((HttpStatusCode)429, blocked.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
    }
}
