namespace Vault.Storage;

/// <summary>The APIs a connection can be for; the string forms are the ones in docs/API.md.</summary>
public static class ApiNames
{
    public const string SpApi = "sp-api";
    public const string Ads = "ads";
}

public enum ConnectionStatus
{
    Active,
    ReauthorizationRequired,
}

/// <summary>
/// One stored, encrypted refresh token. <see cref="Blob"/> is ciphertext only. <see cref="Sandbox"/>: its proxied calls go
/// to Amazon's SP-API sandbox hosts.
/// </summary>
public sealed record Connection(
    string Tenant,
    string SellerId,
    string Api,
    string Region,
    string? SellingPartnerId,
    ConnectionStatus Status,
    string Format,
    byte[] Blob,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? LastUsedAt,
    bool Sandbox = false)
{
    /// <summary>When the seller last consented (an OAuth connect or an import); an upsert without one stores <see cref="UpdatedAt"/>.</summary>
    public DateTimeOffset? AuthorizedAt { get; init; }
}

/// <summary>An audit row. Never holds a secret, token, code or JWT: only who did what to which connection.</summary>
public sealed record AuditEvent(
    string Tenant,
    string Action,
    string Actor,
    string? SellerId = null,
    string? Api = null,
    string? Region = null,
    string? RequestId = null,
    string? Ip = null,
    string? Detail = null)
{
    public long Id { get; init; }
    public DateTimeOffset At { get; init; }
}

public sealed record SellerSummary(string SellerId, IReadOnlyList<Connection> Connections);

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

public enum UpsertOutcome
{
    Created,
    Replaced,
}

/// <summary>What an upsert did, and the row as stored (first createdAt, kept selling partner id).</summary>
public sealed record Upserted(Connection Connection, UpsertOutcome Outcome);

/// <summary>What a compaction did; when not <see cref="Completed"/>, <see cref="Detail"/> says why and what to do.</summary>
public sealed record CompactResult(bool Completed, string Detail);

/// <summary>One row of a secret rotation: the blob it must still have, and the one it gets.</summary>
public sealed record BlobReplacement(string Api, byte[] ExpectedBlob, byte[] NewBlob, string Format);
