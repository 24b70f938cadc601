ALTER TABLE memories ADD COLUMN tsv tsvector;
CREATE INDEX memories_tsv ON memories USING GIN (tsv);
ALTER TABLE session_summaries ADD COLUMN tsv tsvector;
CREATE INDEX session_summaries_tsv ON session_summaries USING GIN (tsv);
