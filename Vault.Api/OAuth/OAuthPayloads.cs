using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vault.Api.OAuth;

/// <summary>
/// A pending authorization: what the WMS's POST hands on to the seller's browser. Kept in its oauth_one_time row,
/// sealed under that row's own key (<see cref="OneTimeKey"/>); holds the secret, so never logged.
/// </summary>
public sealed record AuthorizationTicket(
    [property: JsonPropertyName("t")] string Tenant,
    [property: JsonPropertyName("s")] string SellerId,
    [property: JsonPropertyName("a")] string Api,
    [property: JsonPropertyName("r")] string Region,
    [property: JsonPropertyName("m")] string? MarketplaceId,
    [property: JsonPropertyName("u")] string RedirectUrl,
    [property: JsonPropertyName("k")] string Secret,
    [property: JsonPropertyName("w")] string Actor)
{
    public override string ToString() => $"AuthorizationTicket {{ {Tenant}/{SellerId}/{Api} }}";
}

[JsonSerializable(typeof(AuthorizationTicket))]
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
