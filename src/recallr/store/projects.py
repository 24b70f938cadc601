"""Projects and their API keys (only the SHA-256 of a key is stored)."""

from __future__ import annotations

from .database import Tx, now_us
from .records import ApiKeyRecord, ProjectRecord


def insert_project(tx: Tx, project_id: str, name: str) -> ProjectRecord:
    tx.execute("INSERT INTO projects (id, name, merge_conflicts_enabled, created_at) VALUES (?, ?, FALSE, ?)",
               [project_id, name, now_us()])
    return get_project(tx, project_id)  # type: ignore[return-value]


def get_project(tx: Tx, project_id: str) -> ProjectRecord | None:
    row = tx.one("SELECT * FROM projects WHERE id = ?", [project_id])
    return None if row is None else ProjectRecord.from_row(row)


def list_projects(tx: Tx) -> list[ProjectRecord]:
    return [ProjectRecord.from_row(r) for r in tx.all("SELECT * FROM projects ORDER BY created_at")]


def set_merge_conflicts(tx: Tx, project_id: str, enabled: bool) -> None:
    tx.execute("UPDATE projects SET merge_conflicts_enabled = ? WHERE id = ?", [enabled, project_id])


def insert_key(tx: Tx, *, key_id: str, project_id: str, key_hash: str, prefix: str, name: str | None) -> ApiKeyRecord:
    tx.execute(
        "INSERT INTO api_keys (id, project_id, key_hash, prefix, name, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [key_id, project_id, key_hash, prefix, name, now_us()],
    )
    return ApiKeyRecord.from_row(tx.one("SELECT * FROM api_keys WHERE id = ?", [key_id]))


def active_key_hashes(tx: Tx, project_id: str) -> list[str]:
    rows = tx.all("SELECT key_hash FROM api_keys WHERE project_id = ? AND revoked_at IS NULL", [project_id])
    return [row["key_hash"] for row in rows]


def list_keys(tx: Tx, project_id: str) -> list[ApiKeyRecord]:
    rows = tx.all("SELECT * FROM api_keys WHERE project_id = ? ORDER BY created_at", [project_id])
    return [ApiKeyRecord.from_row(r) for r in rows]


def revoke_key(tx: Tx, project_id: str, key_id_or_prefix: str) -> bool:
    cur = tx.execute(
        "UPDATE api_keys SET revoked_at = ? WHERE project_id = ? AND revoked_at IS NULL AND (id = ? OR prefix = ?)",
        [now_us(), project_id, key_id_or_prefix, key_id_or_prefix],
    )
    return bool(cur.rowcount)
