using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vault.Api.OAuth;

/// <summary>What a ticket carries from the WMS's POST to the seller's browser. Sealed; holds the secret, so never logged.</summary>
public sealed record AuthorizationTicket(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("t")] string Tenant,
    [property: JsonPropertyName("s")] string SellerId,
    [property: JsonPropertyName("a")] string Api,
    [property: JsonPropertyName("r")] string Region,
    [property: JsonPropertyName("m")] string? MarketplaceId,
    [property: JsonPropertyName("u")] string RedirectUrl,
    [property: JsonPropertyName("k")] string Secret,
    [property: JsonPropertyName("w")] string Actor,
    [property: JsonPropertyName("x")] DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"AuthorizationTicket {{ {Tenant}/{SellerId}/{Api} }}";
}

/// <summary>The OAuth cookie: the ticket's facts plus the state Amazon must send back. Sealed, HttpOnly, 10 minutes.</summary>
public sealed record OAuthCookie(
    [property: JsonPropertyName("st")] string State,
    [property: JsonPropertyName("tk")] AuthorizationTicket Ticket,
    [property: JsonPropertyName("x")] DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"OAuthCookie {{ {Ticket} }}";
}

[JsonSerializable(typeof(AuthorizationTicket))]
[JsonSerializable(typeof(OAuthCookie))]
internal sealed partial class OAuthJson : JsonSerializerContext;

internal static class OAuthPayloadSerializer
{
    public static byte[] Serialize<T>(T value) where T : class =>
        JsonSerializer.SerializeToUtf8Bytes(value, typeof(T), OAuthJson.Default);

    public static T? Deserialize<T>(byte[]? bytes) where T : class
    {
        if (bytes is null)
            return null;
        try
        {
            return JsonSerializer.Deserialize(bytes, typeof(T), OAuthJson.Default) as T;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
