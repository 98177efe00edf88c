using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vault.Api.Configuration;

/// <summary>
/// Reads who may name the client: TRUSTED_PROXIES (addresses and CIDR networks) and CLIENT_IP_HEADER (one header such
/// as Fly-Client-IP). Entries are read strictly: "10.1" or "10.0.0.1/8" are refused, never guessed at.
/// </summary>
public static class ProxyTrust
{
    /// <summary>An HTTP header name (RFC 9110 token) other than Host.</summary>
    public static string? ReadHeader(string? text, List<string> problems)
    {
        if (text is null)
            return null;
        if (text.Length <= 64 && text.All(IsTokenChar) && !text.Equals("Host", StringComparison.OrdinalIgnoreCase))
            return text;
        problems.Add("CLIENT_IP_HEADER must be one header name, such as Fly-Client-IP or X-Forwarded-For");
        return null;
    }

    /// <summary>A TRUSTED_PROXIES entry: an address, or a CIDR network with no bits set after its prefix.</summary>
    public static bool TryParse(string entry, out IPNetwork network, out string problem)
    {
        network = default;
        problem = "is not an IP address or CIDR network (10.0.0.5, 10.0.0.0/8, fd00::/8)";
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        if (!TryAddress(slash < 0 ? entry : entry[..slash], out var address))
            return false;
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(entry.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > bits))
            return false;
        var first = FirstAddress(address, prefix);
        if (!first.Equals(address))
        {
            problem = $"has bits set after its /{prefix} prefix: write {first}/{prefix}";
            return false;
        }
        network = new IPNetwork(address, prefix);
        return true;
    }

    /// <summary>Four dotted decimals or an IPv6 address without a zone: IPAddress.TryParse alone would take "10.1" or "167772161".</summary>
    private static bool TryAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (!IPAddress.TryParse(text, out var parsed) || text.Contains('%', StringComparison.Ordinal))
            return false;
        var dotted = parsed.AddressFamily == AddressFamily.InterNetwork
            && text.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit));
        if (!dotted && parsed.AddressFamily != AddressFamily.InterNetworkV6)
            return false;
        address = parsed;
        return true;
    }

    private static IPAddress FirstAddress(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPAddress(bytes);
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
