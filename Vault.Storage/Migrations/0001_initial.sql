-- Timestamps are unix milliseconds (UTC) in INTEGER columns: exact to the millisecond and cheap to compare.

CREATE TABLE connections (
    tenant             TEXT    NOT NULL,
    seller_id          TEXT    NOT NULL,
    api                TEXT    NOT NULL CHECK (api IN ('sp-api', 'ads')),
    region             TEXT    NOT NULL CHECK (region IN ('na', 'eu', 'fe')),
    selling_partner_id TEXT,
    status             TEXT    NOT NULL CHECK (status IN ('active', 'reauthorization_required')),
    format             TEXT    NOT NULL CHECK (format IN ('v1', 'databorder')),
    blob               BLOB    NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    last_used_at       INTEGER,
    PRIMARY KEY (tenant, seller_id, api)
) STRICT;

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         INTEGER NOT NULL,
    tenant     TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    actor      TEXT    NOT NULL,
    seller_id  TEXT,
    api        TEXT,
    region     TEXT,
    request_id TEXT,
    ip         TEXT,
    detail     TEXT
) STRICT;

CREATE INDEX audit_log_by_tenant ON audit_log (tenant, id);
CREATE INDEX audit_log_by_seller ON audit_log (tenant, seller_id, id);

-- The audit trail must not be editable through the application's own connection either.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE oauth_one_time (
    kind        TEXT    NOT NULL,
    id          TEXT    NOT NULL,
    expires_at  INTEGER NOT NULL,
    consumed_at INTEGER,
    PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX oauth_one_time_by_expiry ON oauth_one_time (expires_at);
