-- A GIN index on tsv alone finds the matches of *every* user and then filters them by user: with a million
-- memories a common word costs tens of milliseconds for any user. btree_gin (a contrib extension, trusted since
-- PostgreSQL 13) lets one GIN index hold (user_id, tsv), so a search reads only the asking user's postings.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX memories_user_tsv ON memories USING GIN (user_id, tsv);
DROP INDEX IF EXISTS memories_tsv;
CREATE INDEX session_summaries_user_tsv ON session_summaries USING GIN (user_id, tsv);
DROP INDEX IF EXISTS session_summaries_tsv;
CREATE INDEX messages_user_tsv ON messages USING GIN (user_id, tsv);
DROP INDEX IF EXISTS messages_tsv;
