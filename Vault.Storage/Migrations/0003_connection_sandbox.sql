-- Issue 16: a connection can be for Amazon's SP-API sandbox (https://developer-docs.amazon.com/sp-api/docs/the-selling-partner-api-sandbox):
-- its proxied calls go to sandbox.sellingpartnerapi-{na,eu,fe}.amazon.com. 0 or 1, like SQLite's booleans; every
-- existing connection is a production one.

ALTER TABLE connections ADD COLUMN sandbox INTEGER NOT NULL DEFAULT 0 CHECK (sandbox IN (0, 1));
