using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Vault.Api.OAuth;

namespace Vault.Api.Limits;

/// <summary>
/// Partitions for the browsers' /oauth/* routes: 60 requests a minute per client address. A callback that carries a
/// valid OAuth cookie (it unseals and has not expired) is a seller finishing a consent the vault started: it has its
/// own small budget, so junk traffic from the same address (one office, one carrier NAT) cannot block it.
/// </summary>
public static class OAuthRateLimit
{
    public const int PerAddressPerMinute = 60;

    /// <summary>A browser calls back once; a few more cover a reload, and replays of one cookie stay bounded.</summary>
    public const int PerCookiePerMinute = 5;

    private static readonly PathString Callback = new("/oauth/callback");

    public static RateLimitPartition<string> Partition(HttpContext context) =>
        ValidCookieState(context) is { } state
            ? RateLimitPartition.GetFixedWindowLimiter("cookie:" + state, _ => PerMinute(PerCookiePerMinute))
            : RateLimitPartition.GetFixedWindowLimiter("address:" + ClientKey(context.Connection.RemoteIpAddress), _ => PerMinute(PerAddressPerMinute));

    /// <summary>
    /// IPv4 by address; IPv6 by its /64, the block one subscriber is given: counting single IPv6 addresses would let one
    /// client walk its own 2^64 addresses past the limit.
    /// </summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();
        var bytes = address.GetAddressBytes();
        bytes.AsSpan(8).Clear();
        return new IPAddress(bytes) + "/64";
    }

    private static string? ValidCookieState(HttpContext context)
    {
        if (!context.Request.Path.Equals(Callback) || OAuthCookie.Open(context) is not { } cookie)
            return null;
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        return cookie.ExpiresAt > now ? cookie.Id : null;
    }

    private static FixedWindowRateLimiterOptions PerMinute(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };
}
