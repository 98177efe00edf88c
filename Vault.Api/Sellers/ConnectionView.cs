using System.Text.Json.Serialization;
using Vault.Storage;

namespace Vault.Api.Sellers;

/// <summary>
/// A connection as docs/API.md lists it. Built field by field from the row, so a blob, secret or token can never
/// slip into an answer by a property added to <see cref="Connection"/> later.
/// </summary>
public sealed record ConnectionView(
    string Api,
    string Region,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SellingPartnerId,
    string Status,
    string Format,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? LastUsedAt,
    // Only a sandbox connection says so: a production one keeps the shape it always had.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Sandbox,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? RenewalDueAt = null)
{
    public static ConnectionView Of(Connection connection) => new(
        connection.Api,
        connection.Region,
        connection.SellingPartnerId,
        connection.Status == ConnectionStatus.ReauthorizationRequired ? "reauthorization_required" : "active",
        connection.Format,
        connection.CreatedAt,
        connection.UpdatedAt,
        connection.LastUsedAt,
        connection.Sandbox ? true : null,
        // SP-API consents end 365 days after the seller gave them; the first renewal notice is due 30 days before.
        connection.Api == ApiNames.SpApi ? Amazon.SpApiAuthorization.RenewalDueAt(connection.AuthorizedAt ?? connection.CreatedAt) : null);
}

/// <summary>A seller and its connections, as <c>GET /v1/sellers</c> and <c>GET /v1/sellers/{sellerId}</c> answer.</summary>
public sealed record SellerView(string SellerId, IReadOnlyList<ConnectionView> Connections)
{
    public static SellerView Of(string sellerId, IEnumerable<Connection> connections) => new(sellerId, [.. connections.Select(ConnectionView.Of)]);
}
