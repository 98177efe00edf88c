using Vault.Storage;
using Vault.Storage.Postgres;

namespace Vault.Api.Pacing;

public static class PacingExtensions
{
    /// <summary>Pacing's buckets: shared through PostgreSQL between instances, in memory for SQLite's single instance.</summary>
    public static IServiceCollection AddAmazonPacing(this IServiceCollection services)
    {
        services.AddSingleton<IRateBuckets>(provider => provider.GetRequiredService<IVaultStore>() is PostgresVaultStore postgres
            ? postgres.RateBuckets
            : new MemoryRateBuckets(provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PacingMetrics>();
        services.AddSingleton<AmazonPacing>();
        services.AddHostedService<IdleBucketSweep>();
        return services;
    }
}
