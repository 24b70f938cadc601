-- Attempts lost to a vanished worker (killed, out of memory, restarted without a clean stop: the lease ran out with
-- no error recorded), counted apart from `attempts` (attempts that ended with a processing error, plus the one in
-- progress) and bounded by RECALLR_MAX_CRASHES.
ALTER TABLE sessions ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE merge_conflicts ADD COLUMN crashes INTEGER NOT NULL DEFAULT 0;
