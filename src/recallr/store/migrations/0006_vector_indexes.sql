-- Per-user vector indexes (PostgreSQL): which users' memories and indexed messages are searched through an HNSW
-- index of their own instead of being loaded into each process, and the corpus mean that centred ranking needs.
-- SQLite never fills this table (recall there is always exact, in process).
CREATE TABLE vector_indexes (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    corpus TEXT NOT NULL,
    index_name TEXT NOT NULL,
    row_count BIGINT NOT NULL,
    center {bytes} NOT NULL,
    built_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, corpus)
);
