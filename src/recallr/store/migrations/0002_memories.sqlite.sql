CREATE VIRTUAL TABLE memories_fts USING fts5(content, content='', tokenize='porter unicode61');
CREATE TABLE memories_fts_map (rowid INTEGER PRIMARY KEY AUTOINCREMENT, memory_id TEXT NOT NULL UNIQUE REFERENCES memories(id) ON DELETE CASCADE);
CREATE VIRTUAL TABLE session_summaries_fts USING fts5(content, content='', tokenize='porter unicode61');
CREATE TABLE session_summaries_fts_map (rowid INTEGER PRIMARY KEY AUTOINCREMENT, summary_id TEXT NOT NULL UNIQUE REFERENCES session_summaries(id) ON DELETE CASCADE);
