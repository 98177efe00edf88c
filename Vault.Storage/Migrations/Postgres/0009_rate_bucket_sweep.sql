-- Pacing (docs/API.md "Pacing"): a bucket full again and unused for an hour holds nothing worth keeping but a rate Amazon
-- reported, which the next call learns again, so PostgresRateBuckets.SweepIdleAsync deletes such rows. The sweep runs
-- across tenants: as the outbox does (0006), a transaction that sets vault.rate_sweep to 'idle' may read and delete any
-- tenant's rows (it inserts and updates none); with the setting unset the tenant policy of 0005 alone applies. The index
-- keeps each sweep to the rows last touched over an hour ago.

CREATE INDEX rate_buckets_by_refilled_at ON rate_buckets (refilled_at);

CREATE POLICY idle_sweep_reads ON rate_buckets FOR SELECT
    USING (current_setting('vault.rate_sweep', true) = 'idle');

CREATE POLICY idle_sweep_deletes ON rate_buckets FOR DELETE
    USING (current_setting('vault.rate_sweep', true) = 'idle');
