-- PostgreSQL full-text index over indexed messages.
ALTER TABLE messages ADD COLUMN tsv tsvector;
CREATE INDEX messages_tsv ON messages USING GIN (tsv);
