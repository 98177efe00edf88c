-- The PostgreSQL twin of Migrations/0001_initial.sql: the same tables, columns and CHECK constraints.
-- Timestamps are timestamptz written at millisecond precision (the store truncates), so they round-trip
-- exactly like SQLite's unix milliseconds and stay readable to an operator with psql.
-- Keys are COLLATE "C": seller ids sort bytewise, as in SQLite, whatever the database's locale, so the
-- keyset cursor of ListSellers means the same on both stores and stays a range seek on the primary key.

CREATE TABLE connections (
    tenant             text COLLATE "C" NOT NULL,
    seller_id          text COLLATE "C" NOT NULL,
    api                text COLLATE "C" NOT NULL CHECK (api IN ('sp-api', 'ads')),
    region             text        NOT NULL CHECK (region IN ('na', 'eu', 'fe')),
    selling_partner_id text,
    status             text        NOT NULL CHECK (status IN ('active', 'reauthorization_required')),
    format             text        NOT NULL CHECK (format IN ('v1', 'databorder')),
    blob               bytea       NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    last_used_at       timestamptz,
    PRIMARY KEY (tenant, seller_id, api)
);

CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL,
    tenant     text COLLATE "C" NOT NULL,
    action     text NOT NULL,
    actor      text NOT NULL,
    seller_id  text COLLATE "C",
    api        text,
    region     text,
    request_id text,
    ip         text,
    detail     text
);

CREATE INDEX audit_log_by_tenant ON audit_log (tenant, id);
CREATE INDEX audit_log_by_seller ON audit_log (tenant, seller_id, id);

-- The audit trail must not be editable through the application's own connection either. Statement-level
-- triggers refuse every UPDATE, DELETE and TRUNCATE, even one that matches no row. A trigger only stops the
-- application's role by accident, not a table owner on purpose (the owner can drop it): a production
-- deployment should also run the vault as a role that does not own the tables and
--     REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM <app role>;
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

CREATE TABLE oauth_one_time (
    kind        text COLLATE "C" NOT NULL,
    id          text COLLATE "C" NOT NULL,
    expires_at  timestamptz NOT NULL,
    consumed_at timestamptz,
    PRIMARY KEY (kind, id)
);

CREATE INDEX oauth_one_time_by_expiry ON oauth_one_time (expires_at);
