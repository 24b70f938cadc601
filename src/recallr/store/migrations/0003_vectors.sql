-- Vector columns for PostgreSQL's pgvector (see 0003_vectors.postgres.sql); SQLite keeps vectors as BLOBs
-- and searches them with numpy, so this migration has no common part.
SELECT 1;
