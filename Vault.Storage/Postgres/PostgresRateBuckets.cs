using Npgsql;
using NpgsqlTypes;
using static Vault.Storage.Postgres.PostgresCommands;

namespace Vault.Storage.Postgres;

/// <summary>
/// The rate buckets of every vault instance on this database, in <c>rate_buckets</c> (Migrations/Postgres/0005). Each
/// step is one statement in one round trip (with the tenant for row-level security, as <see cref="TenantTransaction.ReadAsync"/>
/// does): the row lock orders concurrent instances, and the database's clock is the one clock they all read. The table
/// has no default rate to compare with, so a row is deleted only once it is full and unused for
/// <see cref="IRateBuckets.IdleKept"/> (<see cref="SweepIdleAsync"/>).
/// </summary>
public sealed class PostgresRateBuckets : IRateBuckets
{
    // The bucket as of this statement: refilled at its rate since it was last touched, up to its burst.
    private const string Refilled =
        "LEAST(b.burst, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM statement_timestamp() - b.refilled_at)) * b.rate)";

    // RateHeadroom's: a call that waits goes a tenth of a second after its token comes.
    private static readonly string Fits = $"({RateHeadroom.WaitSql(Refilled)} <= @max_wait)";

    private static readonly string Reserve = $"""
        INSERT INTO rate_buckets AS b (tenant, bucket, rate, burst, tokens, refilled_at, last_granted, last_wait)
        VALUES (@tenant, @bucket, @rate, @burst, @first_tokens, statement_timestamp(), true, 0)
        ON CONFLICT (tenant, bucket) DO UPDATE SET
            last_granted = {Fits},
            last_wait = {RateHeadroom.WaitSql(Refilled)},
            tokens = {Refilled} - CASE WHEN {Fits} THEN {RateHeadroom.CostSql} ELSE 0 END,
            refilled_at = statement_timestamp()
        RETURNING last_granted, last_wait, rate
        """;

    private static readonly string Release = $"UPDATE rate_buckets b SET tokens = LEAST(b.burst, {Refilled} + {RateHeadroom.CostSql}), refilled_at = statement_timestamp() WHERE tenant = @tenant AND bucket = @bucket";

    private const string Empty = $"UPDATE rate_buckets b SET tokens = LEAST({Refilled}, 0), refilled_at = statement_timestamp() WHERE tenant = @tenant AND bucket = @bucket";

    private const string SetRate = $"UPDATE rate_buckets b SET tokens = {Refilled}, refilled_at = statement_timestamp(), rate = @rate WHERE tenant = @tenant AND bucket = @bucket AND rate <> @rate";

    // Every tenant's rows (Migrations/Postgres/0009); the index on refilled_at finds the idle ones. A row that a reservation
    // touches meanwhile is checked again under its lock, as READ COMMITTED does, and kept.
    private const string SweepMode = "SELECT set_config('vault.rate_sweep', 'idle', true), set_config('statement_timeout', '10s', true);";

    private const string SweepIdle =
        $"DELETE FROM rate_buckets b WHERE b.refilled_at < statement_timestamp() - make_interval(secs => @idle) AND {Refilled} >= b.burst";

    private readonly NpgsqlDataSource _dataSource;

    internal PostgresRateBuckets(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public async Task<RateReservation> ReserveAsync(string tenant, string bucket, double rate, int burst, TimeSpan maxWait, CancellationToken ct)
    {
        var rows = await TenantTransaction.ReadAsync(_dataSource, tenant, Reserve,
            [Text("tenant", tenant), Text("bucket", bucket), Double("rate", rate), Int("burst", burst), Double("max_wait", maxWait.TotalSeconds),
             Double("first_tokens", burst - RateHeadroom.Cost(rate, burst))],
            r => (Granted: r.GetBoolean(0), Wait: r.GetDouble(1), Rate: r.GetDouble(2)), ct).ConfigureAwait(false);
        var (granted, wait, current) = rows[0];
        return new RateReservation(granted, granted ? RateHeadroom.Seconds(wait) : RateHeadroom.Seconds(wait) - maxWait, current);
    }

    public Task ReleaseAsync(string tenant, string bucket, CancellationToken ct) => ExecuteAsync(tenant, Release, ct, Text("bucket", bucket));

    public Task EmptyAsync(string tenant, string bucket, CancellationToken ct) => ExecuteAsync(tenant, Empty, ct, Text("bucket", bucket));

    public Task SetRateAsync(string tenant, string bucket, double rate, CancellationToken ct) =>
        ExecuteAsync(tenant, SetRate, ct, Text("bucket", bucket), Double("rate", rate));

    /// <summary>One statement in one round trip, in its own implicit transaction with the sweep's setting.</summary>
    public async Task<int> SweepIdleAsync(CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        var sweep = new NpgsqlBatchCommand(SweepIdle);
        sweep.Parameters.Add(Double("idle", IRateBuckets.IdleKept.TotalSeconds));
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { new NpgsqlBatchCommand(SweepMode), sweep } };
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return sweep.RecordsAffected;
    }

    private Task ExecuteAsync(string tenant, string sql, CancellationToken ct, params NpgsqlParameter[] parameters) =>
        TenantTransaction.ReadAsync(_dataSource, tenant, sql, [Text("tenant", tenant), .. parameters], _ => 0, ct);

    private static NpgsqlParameter Double(string name, double value) => new(name, NpgsqlDbType.Double) { Value = value };
}
