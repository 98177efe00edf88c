-- The twin of Migrations/0002_oauth_one_time_payload.sql: a pending authorization is kept here, sealed under a random
-- key that only the authorize URL, then the OAuth cookie, carries; a row is deleted when it is used or expires.
-- Altered rather than made again, so the grants PostgresRoles gave the serving role stay. The table still has no
-- tenant and so no row-level security (0002): /oauth/start and /oauth/callback do not know the tenant until the
-- payload is opened, and the payload opens only with the key the browser brings.

DELETE FROM oauth_one_time;
ALTER TABLE oauth_one_time DROP COLUMN consumed_at;
ALTER TABLE oauth_one_time ADD COLUMN payload bytea NOT NULL;
