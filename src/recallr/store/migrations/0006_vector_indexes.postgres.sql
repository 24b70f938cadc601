-- One HNSW index over every user's memories served small users badly (a user with 1% of the rows made the scan
-- walk a hundred foreign neighbours per own one) and slowed every insert. Users past RECALLR_ANN_MIN_MEMORIES
-- get a partial HNSW index of their own instead (built by the worker, see engine/recall/windows.py), over
-- memories and indexed messages alike.
DROP INDEX IF EXISTS memories_vec_hnsw;
ALTER TABLE message_vectors ADD COLUMN vec vector(384);
