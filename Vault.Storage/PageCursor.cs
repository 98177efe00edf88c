using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Vault.Storage;

/// <summary>
/// Opaque page cursors: base64url of the last key of the previous page. Opaque so that callers
/// pass them back unchanged instead of building their own; strict so that a tampered cursor is a
/// clear 400 rather than a silently different page.
/// </summary>
internal static class PageCursor
{
    public const int MinLimit = 1;
    public const int MaxLimit = 500;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static int ClampLimit(int limit) => Math.Clamp(limit, MinLimit, MaxLimit);

    /// <summary>
    /// A page from up to <paramref name="limit"/> + 1 items read in order: the extra item only says that there is a next
    /// page, whose cursor is the key of the page's last item.
    /// </summary>
    public static Page<T> Of<T>(List<T> items, int limit, Func<T, string> cursorOf)
    {
        if (items.Count <= limit)
        {
            return new Page<T>(items, null);
        }

        items.RemoveRange(limit, items.Count - limit);
        return new Page<T>(items, cursorOf(items[^1]));
    }

    /// <summary>A page of sellers from their connection rows, read ordered by seller id for up to <paramref name="limit"/> + 1 sellers.</summary>
    public static Page<SellerSummary> OfSellers(IEnumerable<Connection> rows, int limit) =>
        Of(
            rows.GroupBy(row => row.SellerId, StringComparer.Ordinal).Select(group => new SellerSummary(group.Key, group.ToList())).ToList(),
            limit,
            seller => FromKey(seller.SellerId));

    public static string FromKey(string key) => Base64Url.EncodeToString(StrictUtf8.GetBytes(key));

    public static string ToKey(string cursor)
    {
        string key;
        try
        {
            key = StrictUtf8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw Malformed(nameof(cursor), e);
        }

        // Only the exact form this store issues is accepted (no padding, no whitespace, no empty key).
        if (key.Length == 0 || FromKey(key) != cursor)
        {
            throw Malformed(nameof(cursor), null);
        }

        return key;
    }

    public static string FromId(long id) => FromKey(id.ToString(CultureInfo.InvariantCulture));

    public static long ToId(string cursor)
    {
        var key = ToKey(cursor);
        if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            throw Malformed(nameof(cursor), null);
        }

        return id;
    }

    private static ArgumentException Malformed(string paramName, Exception? inner) =>
        new("The cursor is malformed: pass back the NextCursor of the previous page unchanged.", paramName, inner);
}
