-- Memory formation: categories, versioned memories with provenance, connections, merge conflicts,
-- session summaries. A memory's versions share a chain_id; the current version has expired_at NULL.
ALTER TABLE users ADD COLUMN memory_rev BIGINT NOT NULL DEFAULT 0;

CREATE TABLE categories (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, name)
);

CREATE TABLE memories (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    chain_id TEXT NOT NULL,
    version_number INTEGER NOT NULL,
    content TEXT NOT NULL,
    categories TEXT NOT NULL,
    subject TEXT,
    slot TEXT,
    value TEXT,
    entities TEXT NOT NULL,
    negated BOOLEAN NOT NULL DEFAULT FALSE,
    event_date_start BIGINT NOT NULL,
    event_date_end BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expired_at BIGINT,
    expiration_reason TEXT,
    merge_conflict_id TEXT,
    merge_conflict_in_progress BOOLEAN NOT NULL DEFAULT FALSE,
    embedding {bytes}
);
CREATE INDEX memories_user_current ON memories(user_id, expired_at, created_at);
CREATE INDEX memories_chain ON memories(chain_id, version_number);
CREATE INDEX memories_session ON memories(session_id);

CREATE TABLE memory_sources (
    memory_id TEXT NOT NULL REFERENCES memories(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    message_index INTEGER NOT NULL,
    PRIMARY KEY (memory_id, session_id, message_index)
);
CREATE INDEX memory_sources_session ON memory_sources(session_id);

CREATE TABLE memory_connections (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    chain_a TEXT NOT NULL,
    chain_b TEXT NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (chain_a, chain_b)
);
CREATE INDEX memory_connections_user ON memory_connections(user_id);

CREATE TABLE merge_conflicts (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    proposed TEXT NOT NULL,
    conflicting TEXT NOT NULL,
    questions TEXT NOT NULL,
    answers TEXT,
    resolution_data TEXT,
    new_memory_ids TEXT,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_expires_at BIGINT,
    error TEXT
);
CREATE INDEX merge_conflicts_user ON merge_conflicts(user_id, status, created_at);

CREATE TABLE session_summaries (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL UNIQUE REFERENCES sessions(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    content TEXT NOT NULL,
    session_date BIGINT NOT NULL,
    sources TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    embedding {bytes}
);
CREATE INDEX session_summaries_user ON session_summaries(user_id, session_date);
