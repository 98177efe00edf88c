using System.Security.Cryptography;
using Vault.Storage;

namespace Vault.Tests.Storage;

/// <summary>Rows and events for the storage tests, with millisecond timestamps in a non-UTC offset.</summary>
internal static class Samples
{
    public static readonly DateTimeOffset Created = new(2026, 3, 14, 15, 9, 26, 535, TimeSpan.FromHours(2));

    public static Connection Connection(string tenant = "tenant-a", string seller = "A1SELLER", string api = ApiNames.SpApi, byte[]? blob = null) =>
        new(
            Tenant: tenant,
            SellerId: seller,
            Api: api,
            Region: "eu",
            SellingPartnerId: "SP-" + seller,
            Status: ConnectionStatus.Active,
            Format: "v1",
            Blob: blob ?? RandomNumberGenerator.GetBytes(96),
            CreatedAt: Created,
            UpdatedAt: Created.AddMinutes(1),
            LastUsedAt: null);

    public static AuditEvent Audit(string tenant = "tenant-a", string action = "connection.created", string? seller = "A1SELLER", string? api = ApiNames.SpApi) =>
        new(tenant, action, "operator:alice", seller, api, "eu", "req-42", "203.0.113.9", "from the tests");

    public static void AssertSameConnection(Connection expected, Connection? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Tenant, actual.Tenant);
        Assert.Equal(expected.SellerId, actual.SellerId);
        Assert.Equal(expected.Api, actual.Api);
        Assert.Equal(expected.Region, actual.Region);
        Assert.Equal(expected.SellingPartnerId, actual.SellingPartnerId);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Format, actual.Format);
        Assert.Equal(expected.Blob, actual.Blob);
        Assert.Equal(expected.CreatedAt.UtcTicks, actual.CreatedAt.UtcTicks);
        Assert.Equal(expected.UpdatedAt.UtcTicks, actual.UpdatedAt.UtcTicks);
        Assert.Equal(expected.LastUsedAt?.UtcTicks, actual.LastUsedAt?.UtcTicks);
    }
}
