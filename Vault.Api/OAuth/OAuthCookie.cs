namespace Vault.Api.OAuth;

/// <summary>
/// The request's OAuth cookie, unsealed once per request: the OAuth rate limit reads it to pick the callback's budget
/// and the callback then uses the same key. The key is zeroed when the response ends.
/// </summary>
public static class OAuthCookie
{
    private static readonly object ItemKey = new();

    /// <summary>The cookie's state and key; null when there is none or it is not one this vault sealed.</summary>
    public static OneTimeKey? Open(HttpContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var opened))
            return (OneTimeKey?)opened;
        var cookie = context.Request.Cookies[OAuthApi.CookieName] is { Length: > 0 } text
            ? context.RequestServices.GetRequiredService<OAuthSealers>().OpenCookie(text)
            : null;
        context.Items[ItemKey] = cookie;
        if (cookie is not null)
            context.Response.RegisterForDispose(cookie);
        return cookie;
    }
}
