using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Vault.Api.Configuration;
using Vault.Api.Limits;
using Vault.Api.OAuth;
using Vault.Tests.Support;

namespace Vault.Tests.OAuth;

/// <summary>A callback's cookie is unsealed once: the OAuth rate limit and the callback share what it opened.</summary>
public class OAuthCookieTests
{
    [Fact]
    public void TheRateLimitAndTheCallbackShareOneOpenedCookie()
    {
        using var sealers = new OAuthSealers(new VaultOptions { CookieEncryptionKey = VaultHarness.CookieKey });
        using var sealedKey = OneTimeKey.New("state-1", TimeProvider.System.GetUtcNow().AddMinutes(10));
        var context = Callback(sealers, sealers.SealCookie(sealedKey));

        var partition = OAuthRateLimit.Partition(context);
        var opened = OAuthCookie.Open(context);

        Assert.Equal("cookie:state-1", partition.PartitionKey);
        Assert.Same(opened, OAuthCookie.Open(context));
        // The limit used it and left it whole for the callback.
        Assert.Equal(sealedKey.Key.ToArray(), opened!.Key.ToArray());
    }

    [Fact]
    public void AForgedCookieOpensAsNothingOnce()
    {
        using var sealers = new OAuthSealers(new VaultOptions { CookieEncryptionKey = VaultHarness.CookieKey });
        var context = Callback(sealers, new string('A', 120));

        Assert.StartsWith("address:", OAuthRateLimit.Partition(context).PartitionKey, StringComparison.Ordinal);
        Assert.Null(OAuthCookie.Open(context));
    }

    private static DefaultHttpContext Callback(OAuthSealers sealers, string cookie)
    {
        var context = new DefaultHttpContext
        {
            RequestServices = new ServiceCollection().AddSingleton(sealers).AddSingleton(TimeProvider.System).BuildServiceProvider(),
        };
        context.Request.Path = "/oauth/callback";
        context.Request.Headers.Cookie = OAuthApi.CookieName + "=" + cookie;
        return context;
    }
}
