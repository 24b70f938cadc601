-- LLM mode robustness counters (docs/llm.md, "Usage"): what went wrong, not only what was spent.
ALTER TABLE llm_usage ADD COLUMN failed_requests BIGINT NOT NULL DEFAULT 0;
ALTER TABLE llm_usage ADD COLUMN timeouts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE llm_usage ADD COLUMN step_downs BIGINT NOT NULL DEFAULT 0;
ALTER TABLE llm_usage ADD COLUMN unusable BIGINT NOT NULL DEFAULT 0;
ALTER TABLE llm_usage ADD COLUMN truncated BIGINT NOT NULL DEFAULT 0;
ALTER TABLE llm_usage ADD COLUMN degenerate BIGINT NOT NULL DEFAULT 0;
ALTER TABLE llm_usage ADD COLUMN over_budget BIGINT NOT NULL DEFAULT 0;
ALTER TABLE llm_usage ADD COLUMN backlog BIGINT NOT NULL DEFAULT 0;
