-- Issue 13: a pending authorization (the seller secret among it) is kept here, sealed under a random key that only
-- the authorize URL, then the OAuth cookie, carries; it no longer travels in the URL itself. A row is deleted when
-- it is used or expires, so consumed_at goes. Rows written before this version hold no payload and could not be
-- redeemed by this build anyway (their tickets were sealed the old way): they go too. SQLite cannot add a NOT NULL
-- column without a default to a table, so the table is made again.

DROP TABLE oauth_one_time;

CREATE TABLE oauth_one_time (
    kind       TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    payload    BLOB    NOT NULL,
    PRIMARY KEY (kind, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX oauth_one_time_by_expiry ON oauth_one_time (expires_at);
