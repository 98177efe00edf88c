using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Vault.Crypto;
using Vault.Storage;

namespace Vault.Api.Tokens;

/// <summary>
/// Access tokens and Restricted Data Tokens per connection, in memory only. An entry is handed out only to
/// a caller whose secret matches the keyed verifier recorded when the secret opened the stored token (the
/// secret itself is never kept), and only while the stored blob is the one it was minted from, so a rotation
/// or re-import makes old entries unreachable.
/// </summary>
public sealed class AccessTokenCache
{
    /// <summary>Tokens are refreshed this long before Amazon's expiry, so a call never leaves with a dying token.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly byte[] _verifierKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<AccessTokenResult>>> _inflight = new(StringComparer.Ordinal);

    public sealed class Entry(byte[] verifier, byte[] blobHash, string accessToken, DateTimeOffset refreshAt)
    {
        public byte[] Verifier { get; } = verifier;
        public byte[] BlobHash { get; } = blobHash;
        public string AccessToken { get; } = accessToken;
        public DateTimeOffset RefreshAt { get; } = refreshAt;
        public ConcurrentDictionary<string, (string Token, DateTimeOffset RefreshAt)> RestrictedDataTokens { get; } = new(StringComparer.Ordinal);
        private long _lastTouchedTicks;

        /// <summary>True at most once per <paramref name="interval"/>, for the caller that should record the use.</summary>
        public bool ClaimTouch(DateTimeOffset now, TimeSpan interval)
        {
            var last = Interlocked.Read(ref _lastTouchedTicks);
            return now.UtcTicks - last >= interval.Ticks && Interlocked.CompareExchange(ref _lastTouchedTicks, now.UtcTicks, last) == last;
        }
    }

    public static string KeyOf(Connection connection) => $"{connection.Tenant}/{connection.SellerId}/{connection.Api}";

    /// <summary>HMAC of the secret under a per-process key, bound to the connection: compares secrets without holding them.</summary>
    public byte[] Verifier(Connection connection, SellerSecret secret)
    {
        using var hmac = new HMACSHA256(_verifierKey);
        var context = Encoding.UTF8.GetBytes(KeyOf(connection) + "\0");
        hmac.TransformBlock(context, 0, context.Length, null, 0);
        var bytes = secret.Utf8.ToArray();
        try
        {
            hmac.TransformFinalBlock(bytes, 0, bytes.Length);
            return hmac.Hash!;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    public static byte[] BlobHash(Connection connection) => SHA256.HashData(connection.Blob);

    /// <summary>The live entry for this connection, if the verifier and blob match and it is not due for refresh.</summary>
    public Entry? Find(Connection connection, byte[] verifier, DateTimeOffset now) =>
        _entries.TryGetValue(KeyOf(connection), out var entry)
        && entry.RefreshAt > now
        && CryptographicOperations.FixedTimeEquals(entry.Verifier, verifier)
        && CryptographicOperations.FixedTimeEquals(entry.BlobHash, BlobHash(connection))
            ? entry
            : null;

    public Entry Store(Connection connection, byte[] verifier, string accessToken, DateTimeOffset refreshAt)
    {
        var entry = new Entry(verifier, BlobHash(connection), accessToken, refreshAt);
        _entries[KeyOf(connection)] = entry;
        return entry;
    }

    /// <summary>Runs <paramref name="mint"/> once for all concurrent callers with the same connection and verifier.</summary>
    public async Task<AccessTokenResult> SingleFlightAsync(string flightKey, Func<Task<AccessTokenResult>> mint)
    {
        var flight = _inflight.GetOrAdd(flightKey, _ => new Lazy<Task<AccessTokenResult>>(mint));
        try
        {
            return await flight.Value;
        }
        finally
        {
            _inflight.TryRemove(new KeyValuePair<string, Lazy<Task<AccessTokenResult>>>(flightKey, flight));
        }
    }

    public void Invalidate(string tenant, string sellerId, string? api)
    {
        foreach (var key in _entries.Keys)
        {
            if (key.StartsWith($"{tenant}/{sellerId}/", StringComparison.Ordinal) && (api is null || key.EndsWith("/" + api, StringComparison.Ordinal)))
                _entries.TryRemove(key, out _);
        }
    }

    public int Count => _entries.Count;
}
