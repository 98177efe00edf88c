-- The twin of Migrations/0004_lifecycle_events.sql: connection lifecycle events in a transactional outbox, written in
-- the transaction of the change each reports, and the time the seller last consented on every connection.
--
-- Row-level security as on every tenant table (0002): a tenant sees and writes only its own events. The delivery
-- service and the renewal scan work across tenants, so they run in a transaction that sets vault.outbox to
-- 'deliver' (AdoVaultStore.Events.cs, nowhere else): then events may be read and their delivery columns updated,
-- and connections read (the scan selects no blob). Neither mode inserts or deletes an event for another tenant,
-- and with neither setting nothing matches.

ALTER TABLE connections ADD COLUMN authorized_at timestamptz;
UPDATE connections SET authorized_at = created_at;

CREATE TABLE events (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              text COLLATE "C" NOT NULL UNIQUE,
    at              timestamptz NOT NULL,
    tenant          text COLLATE "C" NOT NULL,
    type            text NOT NULL,
    seller_id       text COLLATE "C" NOT NULL,
    api             text COLLATE "C",
    region          text,
    status          text,
    expires_at      timestamptz,
    days_left       integer,
    delivery        text NOT NULL CHECK (delivery IN ('pending', 'delivered', 'failed')),
    pending_since   timestamptz NOT NULL,
    attempts        integer NOT NULL,
    last_status     integer,
    last_error      text,
    next_attempt_at timestamptz,
    delivered_at    timestamptz,
    lease_owner     text,
    lease_until     timestamptz
);

CREATE INDEX events_by_tenant ON events (tenant, seq);
CREATE INDEX events_pending ON events (next_attempt_at) WHERE delivery = 'pending';
CREATE INDEX events_pending_by_seller ON events (tenant, seller_id, seq) WHERE delivery = 'pending';
CREATE UNIQUE INDEX events_one_renewal_per_threshold ON events (tenant, seller_id, api, expires_at, days_left)
    WHERE type = 'connection.renewal_due';

ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE events FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON events
    USING (tenant = NULLIF(current_setting('vault.tenant', true), ''))
    WITH CHECK (tenant = NULLIF(current_setting('vault.tenant', true), ''));

CREATE POLICY outbox_reads ON events FOR SELECT
    USING (current_setting('vault.outbox', true) = 'deliver');

CREATE POLICY outbox_delivers ON events FOR UPDATE
    USING (current_setting('vault.outbox', true) = 'deliver')
    WITH CHECK (current_setting('vault.outbox', true) = 'deliver');

CREATE POLICY renewal_scan_reads ON connections FOR SELECT
    USING (current_setting('vault.outbox', true) = 'deliver');
