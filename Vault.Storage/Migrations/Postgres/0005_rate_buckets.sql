-- Pacing (docs/API.md "Pacing"): one token bucket per connection and Amazon operation, shared by every vault instance
-- on this database so that together they stay within Amazon's rate. PostgresRateBuckets changes a row in one
-- statement (refill, then take or refuse), so concurrent instances queue on the row lock, never on the vault's memory.
-- The rows are per tenant, with row-level security like connections (0002).

CREATE TABLE rate_buckets (
    tenant      text             NOT NULL,
    bucket      text             NOT NULL,
    rate        double precision NOT NULL CHECK (rate > 0),
    burst       integer          NOT NULL CHECK (burst > 0),
    -- Below zero: tokens already promised to calls that are waiting for them.
    tokens      double precision NOT NULL,
    refilled_at timestamptz      NOT NULL,
    -- Whether the latest reservation was granted (RETURNING sees only the new row).
    last_granted boolean         NOT NULL,
    PRIMARY KEY (tenant, bucket)
);

ALTER TABLE rate_buckets ENABLE ROW LEVEL SECURITY;
ALTER TABLE rate_buckets FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON rate_buckets
    USING (tenant = NULLIF(current_setting('vault.tenant', true), ''))
    WITH CHECK (tenant = NULLIF(current_setting('vault.tenant', true), ''));
