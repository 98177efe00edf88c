-- Issue 15: connection lifecycle events in a transactional outbox. Each row is written in the transaction of the
-- change it reports (AdoVaultStore.Events.cs), so a change that commits has its event and one that rolls back has
-- none; the delivery columns say where the webhook delivery of the event stands. A row never holds a secret, token,
-- code, state or JWT: only which connection, what happened and its status.
--
-- authorized_at: when the seller last consented (an OAuth connect or an import; a re-consent replaces the row and
-- sets it again). SP-API authorizations expire 365 days after it. Rows from before this version get their
-- created_at: no later than the true consent, so a renewal warning comes early rather than late.

ALTER TABLE connections ADD COLUMN authorized_at INTEGER;
UPDATE connections SET authorized_at = created_at;

CREATE TABLE events (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT    NOT NULL UNIQUE,
    at              INTEGER NOT NULL,
    tenant          TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    seller_id       TEXT    NOT NULL,
    api             TEXT,
    region          TEXT,
    status          TEXT,
    expires_at      INTEGER,
    days_left       INTEGER,
    delivery        TEXT    NOT NULL CHECK (delivery IN ('pending', 'delivered', 'failed')),
    pending_since   INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    next_attempt_at INTEGER,
    delivered_at    INTEGER,
    lease_owner     TEXT,
    lease_until     INTEGER
) STRICT;

CREATE INDEX events_by_tenant ON events (tenant, seq);
CREATE INDEX events_pending ON events (next_attempt_at) WHERE delivery = 'pending';
CREATE INDEX events_pending_by_seller ON events (tenant, seller_id, seq) WHERE delivery = 'pending';

-- One renewal_due event per threshold of one authorization, whichever instance's scan finds it first.
CREATE UNIQUE INDEX events_one_renewal_per_threshold ON events (tenant, seller_id, api, expires_at, days_left)
    WHERE type = 'connection.renewal_due';
