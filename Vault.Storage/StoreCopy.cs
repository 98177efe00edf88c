using Vault.Storage.Sqlite;

namespace Vault.Storage;

/// <summary>
/// Moves a vault's data into another store (SQLite to PostgreSQL): the audit trail first, each event with its
/// original time, then every connection row as it is, with one <c>connection.copied</c> event each. Blobs are
/// copied byte for byte: they are bound to tenant, seller and api, never to the database, so every seller's
/// secret opens them in the new store as in the old. Nothing here decrypts anything.
/// <para>
/// Only into an empty target (for the snapshot's tenants): a second run would duplicate the audit trail, and a
/// target that already serves a tenant is not this copy's to overwrite.
/// </para>
/// </summary>
public static class StoreCopy
{
    public const string CopiedAction = "connection.copied";

    public sealed record Copied(int Tenants, int Connections, int AuditEvents);

    public static async Task<Copied> CopyAsync(VaultSnapshot source, IVaultStore target, string actor, Func<int, Task>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var tenants = source.Connections.Select(c => c.Tenant).Concat(source.Audit.Select(a => a.Tenant)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        foreach (var tenant in tenants)
        {
            if ((await target.ListSellersAsync(tenant, 1, null, ct).ConfigureAwait(false)).Items.Count > 0
                || (await target.QueryAuditAsync(tenant, null, null, 1, null, ct).ConfigureAwait(false)).Items.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The target already holds data of tenant '{tenant}': copy-database copies into an empty database only, and wrote nothing.");
            }
        }

        var done = 0;
        foreach (var audit in source.Audit)
        {
            await target.AppendAuditAsync(audit with { Id = 0 }, ct).ConfigureAwait(false);
            if (progress is not null)
            {
                await progress(++done).ConfigureAwait(false);
            }
        }

        var copiedAt = DateTimeOffset.UtcNow;
        foreach (var connection in source.Connections)
        {
            var audit = new AuditEvent(connection.Tenant, CopiedAction, actor, connection.SellerId, connection.Api, connection.Region, Detail: "copied from SQLite") { At = copiedAt };
            await target.UpsertConnectionAsync(connection, audit, ct).ConfigureAwait(false);
            if (progress is not null)
            {
                await progress(++done).ConfigureAwait(false);
            }
        }

        return new Copied(tenants.Count, source.Connections.Count, source.Audit.Count);
    }
}
