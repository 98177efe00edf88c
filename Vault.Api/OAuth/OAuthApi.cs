using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Vault.Api.Amazon;
using Vault.Api.Configuration;
using Vault.Api.Limits;

namespace Vault.Api.OAuth;

/// <summary>The seller's browser side of the OAuth flow (docs/API.md "OAuth authorization", steps 2 and 3).</summary>
public static class OAuthApi
{
    public const string CookieName = "vault_oauth";

    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/oauth").AddEndpointFilter(async (context, next) =>
        {
            OAuthPages.ApplySafetyHeaders(context.HttpContext.Response);
            return await next(context);
        });
        // Browser pages (redirects and a plain 400 page), not an API a client calls: named in the OpenAPI description only.
        group.MapGet("/start", StartAsync).RequireRateLimiting(RateLimitExtensions.OAuthPolicy).ExcludeFromDescription();
        group.MapGet("/callback", CallbackAsync).RequireRateLimiting(RateLimitExtensions.OAuthPolicy).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> StartAsync(HttpContext context, PendingAuthorizations pending, ConsentUrl consent, VaultOptions options, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var query = context.Request.Query["ticket"];
        using var key = query.Count == 1 ? pending.OpenTicket(query[0]) : null;
        if (key is null)
            return OAuthPages.Invalid("The link is not valid or has expired.");
        var ticket = await pending.TakeTicketAsync(key, now, context.RequestAborted);
        if (ticket is null)
            return OAuthPages.Invalid("The link has already been used or has expired.");

        var state = Base64UrlState();
        var cookie = await pending.CreateStateAsync(state, ticket, now + OAuthSealers.Lifetime, context.RequestAborted);
        context.Response.Cookies.Append(CookieName, cookie, CookieOptions(options, OAuthSealers.Lifetime));
        return Results.Redirect(consent.For(ticket, state).AbsoluteUri);
    }

    private static async Task<IResult> CallbackAsync(HttpContext context, PendingAuthorizations pending, OAuthConnector connector, VaultOptions options, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var cookie = OAuthCookie.Open(context);
        context.Response.Cookies.Delete(CookieName, CookieOptions(options, TimeSpan.Zero));
        var state = OAuthQuery.Value(context.Request.Query, "state");
        if (cookie is null || state is null || !SameState(state, cookie.Id))
            return OAuthPages.Invalid("The sign-in session is missing, expired or does not match this browser.");
        // Not cancelled by a leaving browser either: a take the database did but the request never saw would lose the consent.
        var ticket = await pending.TakeStateAsync(cookie, now, CancellationToken.None);
        if (ticket is null)
            return OAuthPages.Invalid("This authorization was already completed or has expired.");

        // From here the redirect target came from this browser's own pending authorization; it is still checked against today's allow-list.
        if (!RedirectOrigin.IsAllowed(ticket.RedirectUrl, options.AllowedRedirectOrigins, out var redirect))
            return OAuthPages.Invalid("The application's return address is no longer allowed.");

        // The state is spent and the code works once: finish and store even if the browser has gone (no RequestAborted),
        // or the seller's consent is lost. The exchange has its own timeout.
        var outcome = await connector.CompleteAsync(context, ticket, context.Request.Query, CancellationToken.None);
        var back = outcome.Error is null
            ? new Dictionary<string, string?> { ["status"] = "connected", ["sellerId"] = ticket.SellerId, ["api"] = ticket.Api }
            : new Dictionary<string, string?> { ["status"] = "error", ["error"] = outcome.Error };
        // AbsoluteUri, not ToString(): ToString() unescapes %20 and %C3%A9, and a raw non-ASCII Location header is a 500.
        return Results.Redirect(QueryHelpers.AddQueryString(redirect!.AbsoluteUri, back));
    }

    private static bool SameState(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));

    private static string Base64UrlState() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static CookieOptions CookieOptions(VaultOptions options, TimeSpan maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = options.UsesHttps,
        // The browser sees PUBLIC_BASE_URL's path (a proxy may strip it before the vault): /oauth alone would miss /vault/oauth/callback.
        Path = options.PublicBaseUrl.AbsolutePath.TrimEnd('/') + "/oauth",
        MaxAge = maxAge,
        IsEssential = true,
    };
}
