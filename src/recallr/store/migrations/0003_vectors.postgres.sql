-- pgvector: exact search is a sequential scan per user; the HNSW index serves users too large to scan.
CREATE EXTENSION IF NOT EXISTS vector;
ALTER TABLE memories ADD COLUMN vec vector(384);
CREATE INDEX memories_vec_hnsw ON memories USING hnsw (vec vector_cosine_ops) WITH (m = 16, ef_construction = 64);
