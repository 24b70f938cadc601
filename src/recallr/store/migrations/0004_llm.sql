-- LLM mode: per-project overrides of the LLM settings and extraction rules, and token usage counters.
-- A NULL override inherits the server's setting (RECALLR_LLM_*); list columns hold JSON arrays.
CREATE TABLE project_llm_settings (
    project_id TEXT PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    mode TEXT,
    base_url TEXT,
    api_key TEXT,
    model TEXT,
    extraction_instructions TEXT NOT NULL DEFAULT '',
    never_remember TEXT NOT NULL DEFAULT '[]',
    always_remember TEXT NOT NULL DEFAULT '[]',
    examples TEXT NOT NULL DEFAULT '[]',
    updated_at BIGINT NOT NULL
);

-- One row per project, session ('' for work outside a session) and task; no foreign key to sessions, so a
-- deleted session's tokens still count in its project's totals.
CREATE TABLE llm_usage (
    project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    session_id TEXT NOT NULL,
    task TEXT NOT NULL,
    calls BIGINT NOT NULL DEFAULT 0,
    prompt_tokens BIGINT NOT NULL DEFAULT 0,
    completion_tokens BIGINT NOT NULL DEFAULT 0,
    retries BIGINT NOT NULL DEFAULT 0,
    fallbacks BIGINT NOT NULL DEFAULT 0,
    failures BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (project_id, session_id, task)
);
