namespace Vault.Storage.Postgres;

public sealed partial class PostgresVaultStore
{
    /// <summary>The pacing buckets this database shares between vault instances, on the store's own pool.</summary>
    public IRateBuckets RateBuckets => field ??= new PostgresRateBuckets(_dataSource);
}
