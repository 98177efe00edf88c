-- The twin of Migrations/0003_connection_sandbox.sql: a connection can be for Amazon's SP-API sandbox. An integer 0 or 1
-- as on SQLite, so both stores bind and read it alike. The column joins a table that already has row-level security
-- by tenant and the serving role's grants (0002, PostgresRoles): nothing else to add.

ALTER TABLE connections ADD COLUMN sandbox integer NOT NULL DEFAULT 0 CHECK (sandbox IN (0, 1));
