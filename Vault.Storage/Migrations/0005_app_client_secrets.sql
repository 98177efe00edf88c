-- Issue 16: the SP-API application's LWA client secret as Amazon rotates it. When SPAPI_ROTATION_QUEUE_URL is set, the
-- vault stores the secret Amazon publishes (APPLICATION_OAUTH_CLIENT_NEW_SECRET) here, sealed under VAULT_APP_SECRET_KEY,
-- with the one it replaced until that one expires; every instance polls the row and uses the newest. rotation_claimed_at
-- lets exactly one instance ask Amazon for a rotation per window.
--
-- App-wide, not per tenant: the vault has one LWA application per API, shared by every tenant, so the table has no
-- tenant column (and, on PostgreSQL, no row-level security).

CREATE TABLE app_client_secrets (
    api                   TEXT    NOT NULL PRIMARY KEY,
    sealed_secret         TEXT,
    secret_expires_at     INTEGER,
    sealed_old_secret     TEXT,
    old_secret_expires_at INTEGER,
    version               INTEGER NOT NULL,
    rotation_claimed_at   INTEGER,
    updated_at            INTEGER NOT NULL
) STRICT;
