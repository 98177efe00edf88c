-- The twin of Migrations/0005_app_client_secrets.sql: the SP-API application's LWA client secret as Amazon rotates it,
-- sealed under VAULT_APP_SECRET_KEY, polled by every instance; rotation_claimed_at is the conditional-UPDATE claim that
-- lets one instance ask Amazon for a rotation per window.
--
-- App-wide, not per tenant, so no row-level security (unlike connections and audit_log in 0002): the vault has one LWA
-- application per API, shared by every tenant, and the background services that read and write the row act for no
-- tenant. The serving role gets SELECT, INSERT, UPDATE, DELETE on it (PostgresRoles).

CREATE TABLE app_client_secrets (
    api                   text        NOT NULL PRIMARY KEY,
    sealed_secret         text,
    secret_expires_at     timestamptz,
    sealed_old_secret     text,
    old_secret_expires_at timestamptz,
    version               bigint      NOT NULL,
    rotation_claimed_at   timestamptz,
    updated_at            timestamptz NOT NULL
);
