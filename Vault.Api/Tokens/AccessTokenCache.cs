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
/// or re-import makes old entries unreachable. The verifier of the secret that last opened each connection is
/// kept too ("proven"): that secret is not subject to the wrong-secret limit.
/// </summary>
public sealed class AccessTokenCache
{
    /// <summary>Tokens are refreshed this long before Amazon's expiry, so a call never leaves with a dying token.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    /// <summary>The size of a verifier (HMAC-SHA256).</summary>
    public const int VerifierBytes = HMACSHA256.HashSizeInBytes;

    private readonly byte[] _verifierKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<(string Tenant, string SellerId, string Api), Entry> _entries = new();
    private readonly ConcurrentDictionary<(string Tenant, string SellerId, string Api), byte[]> _proven = new();
    private readonly SingleFlight<string, AccessTokenResult> _minting = new(StringComparer.Ordinal);

    public sealed class Entry(byte[] verifier, byte[] blobDigest, string accessToken, DateTimeOffset expiresAt, DateTimeOffset refreshAt)
    {
        public byte[] Verifier { get; } = verifier;
        /// <summary>
        /// SHA-256 of the stored blob the token was minted from; the entry serves only while the row still holds that blob.
        /// The digest, not the blob: the blob was a quarter of what every warm connection kept (issue 18).
        /// </summary>
        public byte[] BlobDigest { get; } = blobDigest;
        public string AccessToken { get; } = accessToken;
        public DateTimeOffset ExpiresAt { get; } = expiresAt;
        public DateTimeOffset RefreshAt { get; } = refreshAt;
        /// <summary>RDTs obtained with this access token; made at the first one, as few connections ever ask for one.</summary>
        public RestrictedDataTokens RestrictedDataTokens
        {
            get
            {
                if (Volatile.Read(ref _restrictedDataTokens) is { } made)
                    return made;
                var mine = new RestrictedDataTokens();
                return Interlocked.CompareExchange(ref _restrictedDataTokens, mine, null) ?? mine;
            }
        }
        // Two concurrent dictionaries, ~1.2 KiB: made for every entry they were most of what a warm connection kept.
        private RestrictedDataTokens? _restrictedDataTokens;
        private long _lastTouchedTicks;

        /// <summary>True at most once per <paramref name="interval"/>, for the caller that should record the use.</summary>
        public bool ClaimTouch(DateTimeOffset now, TimeSpan interval)
        {
            var last = Interlocked.Read(ref _lastTouchedTicks);
            return now.UtcTicks - last >= interval.Ticks && Interlocked.CompareExchange(ref _lastTouchedTicks, now.UtcTicks, last) == last;
        }
    }

    /// <summary>
    /// When a token Amazon says lives <paramref name="expiresIn"/> is refreshed: <paramref name="margin"/> (by default
    /// <see cref="RefreshMargin"/>) before it expires, or halfway through a life shorter than twice the margin, so a
    /// short-lived token is still reused rather than minted again for every call.
    /// </summary>
    public static DateTimeOffset RefreshAtFor(DateTimeOffset now, TimeSpan expiresIn, TimeSpan? margin = null)
    {
        var early = expiresIn - (margin ?? RefreshMargin);
        return now + (early > expiresIn / 2 ? early : expiresIn / 2);
    }

    public static string KeyOf(Connection connection) => $"{connection.Tenant}/{connection.SellerId}/{connection.Api}";

    private static (string, string, string) EntryKey(Connection connection) => (connection.Tenant, connection.SellerId, connection.Api);

    /// <summary>
    /// HMAC of the secret under a per-process key, bound to the connection (<c>tenant/seller/api\0secret</c>): compares
    /// secrets without holding them. Computed in a stack buffer that is zeroed afterwards; nothing is allocated.
    /// </summary>
    public void Verifier(Connection connection, SellerSecret secret, Span<byte> verifier)
    {
        var secretBytes = secret.Utf8;
        var length = Encoding.UTF8.GetByteCount(connection.Tenant) + Encoding.UTF8.GetByteCount(connection.SellerId)
            + Encoding.UTF8.GetByteCount(connection.Api) + 3 + secretBytes.Length;
        var rented = length <= 512 ? null : new byte[length];
        var input = rented is null ? stackalloc byte[512] : rented;
        try
        {
            var at = Encoding.UTF8.GetBytes(connection.Tenant, input);
            input[at++] = (byte)'/';
            at += Encoding.UTF8.GetBytes(connection.SellerId, input[at..]);
            input[at++] = (byte)'/';
            at += Encoding.UTF8.GetBytes(connection.Api, input[at..]);
            input[at++] = 0;
            secretBytes.CopyTo(input[at..]);
            HMACSHA256.HashData(_verifierKey, input[..length], verifier);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    /// <summary>The live entry for this connection, if the verifier and blob match and it is not due for refresh.</summary>
    public Entry? Find(Connection connection, ReadOnlySpan<byte> verifier, DateTimeOffset now)
    {
        if (!_entries.TryGetValue(EntryKey(connection), out var entry) || entry.RefreshAt <= now
            || !CryptographicOperations.FixedTimeEquals(entry.Verifier, verifier))
            return null;
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(connection.Blob, digest);
        return CryptographicOperations.FixedTimeEquals(entry.BlobDigest, digest) ? entry : null;
    }

    public Entry Store(Connection connection, byte[] verifier, string accessToken, DateTimeOffset expiresAt, DateTimeOffset refreshAt)
    {
        var entry = new Entry(verifier, SHA256.HashData(connection.Blob), accessToken, expiresAt, refreshAt);
        _entries[EntryKey(connection)] = entry;
        return entry;
    }

    /// <summary>True when this verifier's secret is the one that last opened the connection's token.</summary>
    public bool IsProven(Connection connection, ReadOnlySpan<byte> verifier) =>
        _proven.TryGetValue(EntryKey(connection), out var proven) && CryptographicOperations.FixedTimeEquals(proven, verifier);

    /// <summary>Remembers the verifier of a secret that opened the connection's token (one per connection: the latest).</summary>
    public void RememberProven(Connection connection, ReadOnlySpan<byte> verifier) => _proven[EntryKey(connection)] = verifier.ToArray();

    /// <summary>Forgets a proven verifier that no longer opens the token (the record was rotated or replaced).</summary>
    public void ForgetProven(Connection connection, ReadOnlySpan<byte> verifier)
    {
        var key = EntryKey(connection);
        if (_proven.TryGetValue(key, out var proven) && CryptographicOperations.FixedTimeEquals(proven, verifier))
            _proven.TryRemove(new KeyValuePair<(string, string, string), byte[]>(key, proven));
    }

    /// <summary>
    /// The live entry for the connection and this verifier, else the result of <paramref name="mint"/> (which stores what it
    /// mints), run once for every caller with the same connection and verifier that arrives while it runs. The flight
    /// belongs to no one caller, so it takes no caller's cancellation.
    /// </summary>
    public Task<AccessTokenResult> GetOrMintAsync(Connection connection, byte[] verifier, TimeProvider clock, Func<Task<AccessTokenResult>> mint) =>
        _minting.RunAsync(KeyOf(connection) + "#" + Convert.ToHexString(verifier), async () =>
            // A flight that started just after another one stored its token finds it here instead of minting again.
            Find(connection, verifier, clock.GetUtcNow()) is { } stored ? new AccessTokenResult(stored, TokenFailure.None) : await mint());

    public void Invalidate(string tenant, string sellerId, string? api)
    {
        foreach (var key in _entries.Keys)
        {
            if (key.Tenant == tenant && key.SellerId == sellerId && (api is null || key.Api == api))
                _entries.TryRemove(key, out _);
        }
        foreach (var key in _proven.Keys)
        {
            if (key.Tenant == tenant && key.SellerId == sellerId && (api is null || key.Api == api))
                _proven.TryRemove(key, out _);
        }
    }

    public int Count => _entries.Count;
}
