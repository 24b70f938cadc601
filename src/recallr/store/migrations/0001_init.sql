-- Projects, keys, users, sessions and messages. Portable SQL: {bytes} and {serial_pk}
-- are filled in by the dialect; timestamps are UTC epoch microseconds (BIGINT).
CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    merge_conflicts_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    key_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    name TEXT,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX api_keys_project ON api_keys(project_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    custom_user_id TEXT NOT NULL,
    metadata TEXT NOT NULL,
    email TEXT,
    first_name TEXT,
    last_name TEXT,
    merge_conflict_enabled BOOLEAN,
    created_at BIGINT NOT NULL,
    last_active_at BIGINT NOT NULL,
    UNIQUE (project_id, custom_user_id)
);
CREATE INDEX users_project_created ON users(project_id, created_at);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    metadata TEXT NOT NULL,
    auto_process_after_seconds INTEGER,
    created_at BIGINT NOT NULL,
    clock_offset BIGINT NOT NULL DEFAULT 0,
    last_activity_at BIGINT NOT NULL,
    queued_at BIGINT,
    processed_at BIGINT,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_expires_at BIGINT,
    error TEXT,
    message_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user_created ON sessions(user_id, created_at);
CREATE INDEX sessions_status ON sessions(status, lease_expires_at);

CREATE TABLE messages (
    id {serial_pk},
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    timestamp BIGINT NOT NULL,
    indexed BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (session_id, position)
);
CREATE INDEX messages_user_time ON messages(user_id, timestamp, id);

CREATE TABLE message_vectors (
    message_id BIGINT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    embedding {bytes} NOT NULL
);
CREATE INDEX message_vectors_user ON message_vectors(user_id);
