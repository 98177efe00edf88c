using System.Security.Cryptography;
using Vault.Storage;

namespace Vault.Api.OAuth;

/// <summary>
/// Pending authorizations in the oauth_one_time table: one row per ticket (until the browser opens the authorize
/// URL) and then one per state (until Amazon sends the browser back), each sealed under a key that only the URL or
/// the cookie carries. Taking a row deletes it, so it opens once; rows nobody takes are purged when they expire
/// (<see cref="OneTimePurge"/>).
/// </summary>
public sealed class PendingAuthorizations(IVaultStore store, OAuthSealers sealers)
{
    public const string TicketKind = "ticket";
    public const string StateKind = "state";

    /// <summary>Keeps the authorization under a new ticket; returns the ticket text for the authorize URL.</summary>
    public async Task<string> CreateTicketAsync(AuthorizationTicket ticket, DateTimeOffset expiresAt, CancellationToken ct)
    {
        using var key = OneTimeKey.New(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), expiresAt);
        await KeepAsync(TicketKind, key, ticket, expiresAt, ct);
        return sealers.SealTicket(key);
    }

    /// <summary>The row id and key a ticket text carries; null for anything this vault did not seal as a ticket.</summary>
    public OneTimeKey? OpenTicket(string? text) => sealers.OpenTicket(text);

    /// <summary>The authorization kept under the ticket, once, while it is live; null otherwise.</summary>
    public Task<AuthorizationTicket?> TakeTicketAsync(OneTimeKey ticket, DateTimeOffset now, CancellationToken ct) => TakeAsync(TicketKind, ticket, now, ct);

    /// <summary>Keeps the authorization under <paramref name="state"/>; returns the OAuth cookie's value.</summary>
    public async Task<string> CreateStateAsync(string state, AuthorizationTicket ticket, DateTimeOffset expiresAt, CancellationToken ct)
    {
        using var key = OneTimeKey.New(state, expiresAt);
        await KeepAsync(StateKind, key, ticket, expiresAt, ct);
        return sealers.SealCookie(key);
    }

    /// <summary>The authorization kept under the cookie's state, once, while it is live; null otherwise.</summary>
    public Task<AuthorizationTicket?> TakeStateAsync(OneTimeKey cookie, DateTimeOffset now, CancellationToken ct) => TakeAsync(StateKind, cookie, now, ct);

    private async Task KeepAsync(string kind, OneTimeKey key, AuthorizationTicket ticket, DateTimeOffset expiresAt, CancellationToken ct)
    {
        var plaintext = OAuthPayloadSerializer.Serialize(ticket);
        try
        {
            await store.CreateOneTimeAsync(kind, key.Id, expiresAt, PendingSeal.Seal(key, kind, plaintext), ct);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private async Task<AuthorizationTicket?> TakeAsync(string kind, OneTimeKey key, DateTimeOffset now, CancellationToken ct) =>
        OAuthPayloadSerializer.Deserialize<AuthorizationTicket>(PendingSeal.Open(key, kind, await store.TakeOneTimeAsync(kind, key.Id, now, ct)));
}
