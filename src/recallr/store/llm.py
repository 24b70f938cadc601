"""LLM mode: a project's overrides of the LLM settings, token usage counters, retrying failed sessions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .database import Tx, now_us
from .records import dump_json, load_json

USAGE_COLUMNS = ("calls", "prompt_tokens", "completion_tokens", "retries", "fallbacks", "failures", "failed_requests",
                 "timeouts", "step_downs", "unusable", "truncated", "degenerate", "over_budget", "backlog")
_TEXT_COLUMNS = ("mode", "base_url", "api_key", "model", "extraction_instructions")
_LIST_COLUMNS = ("never_remember", "always_remember", "examples")


@dataclass(frozen=True)
class ProjectLLMRecord:
    """A project's stored overrides; None inherits the server's setting."""

    project_id: str
    mode: str | None = None  # "llm", "offline" or None (inherit: LLM mode when a model is configured)
    base_url: str | None = None
    api_key: str | None = None  # as stored: sealed (fernet:v1:...) by the LLM service, or plaintext of old versions
    model: str | None = None
    extraction_instructions: str = ""
    never_remember: list[str] = field(default_factory=list)
    always_remember: list[str] = field(default_factory=list)
    examples: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: Any) -> ProjectLLMRecord:
        return cls(row["project_id"], row["mode"], row["base_url"], row["api_key"], row["model"],
                   row["extraction_instructions"] or "", load_json(row["never_remember"]),
                   load_json(row["always_remember"]), load_json(row["examples"]))


def get_project_llm(tx: Tx, project_id: str) -> ProjectLLMRecord:
    row = tx.one("SELECT * FROM project_llm_settings WHERE project_id = ?", [project_id])
    return ProjectLLMRecord(project_id) if row is None else ProjectLLMRecord.from_row(row)


def save_project_llm(tx: Tx, record: ProjectLLMRecord) -> None:
    values = [getattr(record, c) for c in _TEXT_COLUMNS] + [dump_json(getattr(record, c)) for c in _LIST_COLUMNS]
    columns = (*_TEXT_COLUMNS, *_LIST_COLUMNS)
    updates = ", ".join(f"{c} = excluded.{c}" for c in (*columns, "updated_at"))
    tx.execute(
        f"INSERT INTO project_llm_settings (project_id, {', '.join(columns)}, updated_at) "
        f"VALUES (?, {', '.join('?' for _ in columns)}, ?) ON CONFLICT (project_id) DO UPDATE SET {updates}",
        [record.project_id, *values, now_us()],
    )


def stored_api_keys(tx: Tx) -> dict[str, str]:
    """``{project_id: stored api_key}`` of every project that stored a key (sealed, or plaintext from old versions)."""
    rows = tx.all("SELECT project_id, api_key FROM project_llm_settings WHERE api_key IS NOT NULL")
    return {row["project_id"]: row["api_key"] for row in rows}


def set_api_key(tx: Tx, project_id: str, api_key: str | None) -> None:
    tx.execute("UPDATE project_llm_settings SET api_key = ?, updated_at = ? WHERE project_id = ?",
               [api_key, now_us(), project_id])


def add_usage(tx: Tx, project_id: str, session_id: str, counts: Mapping[str, Mapping[str, int]]) -> None:
    """Add ``{task: {column: n}}`` to the project's and session's counters."""
    names = ", ".join(USAGE_COLUMNS)
    marks = ", ".join("?" for _ in USAGE_COLUMNS)
    updates = ", ".join(f"{c} = llm_usage.{c} + excluded.{c}" for c in USAGE_COLUMNS)
    rows = [[project_id, session_id, task, *[int(c.get(col, 0)) for col in USAGE_COLUMNS], now_us()]
            for task, c in counts.items()]
    for row in rows:
        tx.execute(
            f"INSERT INTO llm_usage (project_id, session_id, task, {names}, updated_at) VALUES (?, ?, ?, {marks}, ?) "
            f"ON CONFLICT (project_id, session_id, task) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
            row,
        )


def usage_by_task(tx: Tx, project_id: str, session_id: str | None = None) -> dict[str, dict[str, int]]:
    """``{task: {column: total}}`` for the project, or for one of its sessions."""
    sums = ", ".join(f"SUM({c}) AS {c}" for c in USAGE_COLUMNS)
    where, params = "project_id = ?", [project_id]
    if session_id is not None:
        where, params = f"{where} AND session_id = ?", [*params, session_id]
    rows = tx.all(f"SELECT task, {sums} FROM llm_usage WHERE {where} GROUP BY task ORDER BY task", params)
    return {row["task"]: {c: int(row[c] or 0) for c in USAGE_COLUMNS} for row in rows}


def usage_by_session(tx: Tx, project_id: str, *, limit: int) -> list[tuple[str, dict[str, int]]]:
    """The sessions that used the most tokens, with their totals, most first."""
    sums = ", ".join(f"SUM({c}) AS {c}" for c in USAGE_COLUMNS)
    rows = tx.all(
        f"SELECT session_id, {sums} FROM llm_usage WHERE project_id = ? AND session_id <> '' GROUP BY session_id "
        "ORDER BY SUM(prompt_tokens + completion_tokens) DESC, session_id LIMIT ?",
        [project_id, limit],
    )
    return [(row["session_id"], {c: int(row[c] or 0) for c in USAGE_COLUMNS}) for row in rows]


def retry_failed_sessions(tx: Tx, project_id: str, session_ids: Sequence[str] | None = None) -> int:
    """Queue the project's failed sessions (all, or those listed) for processing again, with fresh attempts."""
    where = "status = 'failed' AND user_id IN (SELECT id FROM users WHERE project_id = ?)"
    params: list[Any] = [now_us(), project_id]
    if session_ids is not None:
        if not session_ids:
            return 0
        where += f" AND id IN ({', '.join('?' for _ in session_ids)})"
        params.extend(session_ids)
    cur = tx.execute(
        "UPDATE sessions SET status = 'processing', attempts = 0, crashes = 0, queued_at = ?, lease_owner = NULL, "
        f"lease_expires_at = NULL WHERE {where}",
        params,
    )
    return int(cur.rowcount or 0)
