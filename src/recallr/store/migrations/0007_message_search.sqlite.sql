-- The FTS5 index over messages was an external-content index on messages.content, deleted with the stored
-- content by a trigger. It now indexes the redacted text, which FTS5 needs back to delete an entry: that text
-- lives in message_search (one row per indexed message, removed with its message, session or user).
-- Messages indexed before this migration keep their original text in the index.
DROP TRIGGER messages_fts_delete;
DROP TABLE messages_fts;
CREATE TABLE message_search (message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE, content TEXT NOT NULL);
INSERT INTO message_search (message_id, content) SELECT id, content FROM messages WHERE indexed;
CREATE VIRTUAL TABLE messages_fts USING fts5(content, content='message_search', content_rowid='message_id', tokenize='porter unicode61');
INSERT INTO messages_fts(messages_fts) VALUES ('rebuild');
CREATE TRIGGER message_search_delete AFTER DELETE ON message_search BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.message_id, old.content);
END;
