-- Pacing: the wait the latest reservation was given (or, refused, would have needed), in seconds. It is decided from the
-- tokens the row held before the statement (RateHeadroom: a token the bucket already held needs no wait), which
-- RETURNING cannot see. The table is per tenant and keeps its row-level security (0005).
ALTER TABLE rate_buckets ADD COLUMN last_wait double precision NOT NULL DEFAULT 0;
