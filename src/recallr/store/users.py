"""Users: one row per (project, custom_user_id); renaming keeps the internal id and so all data."""

from __future__ import annotations

from typing import Any

from .database import Tx, now_us
from .records import UserRecord, dump_json

_UNSET: Any = object()


def insert_user(tx: Tx, *, user_id: str, project_id: str, custom_user_id: str, metadata: dict[str, Any],
                email: str | None, first_name: str | None, last_name: str | None,
                merge_conflict_enabled: bool | None) -> UserRecord:
    now = now_us()
    tx.execute(
        "INSERT INTO users (id, project_id, custom_user_id, metadata, email, first_name, last_name, "
        "merge_conflict_enabled, created_at, last_active_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [user_id, project_id, custom_user_id, dump_json(metadata), email, first_name, last_name,
         merge_conflict_enabled, now, now],
    )
    return get_user_by_id(tx, user_id)  # type: ignore[return-value]


def get_user(tx: Tx, project_id: str, custom_user_id: str) -> UserRecord | None:
    row = tx.one("SELECT * FROM users WHERE project_id = ? AND custom_user_id = ?", [project_id, custom_user_id])
    return None if row is None else UserRecord.from_row(row)


def get_user_by_id(tx: Tx, user_id: str) -> UserRecord | None:
    row = tx.one("SELECT * FROM users WHERE id = ?", [user_id])
    return None if row is None else UserRecord.from_row(row)


def list_users(tx: Tx, project_id: str, *, offset: int, limit: int, metadata_filter: dict[str, Any] | None,
               search: str | None = None) -> tuple[list[UserRecord], int]:
    """A page of the project's users; ``search`` keeps those whose id, email or name contains it (any case)."""
    where, params = "project_id = ?", [project_id]
    if metadata_filter:
        clause, extra = tx.dialect.json_contains("metadata", metadata_filter)
        where, params = f"{where} AND {clause}", [*params, *extra]
    if search:
        pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        columns = ("custom_user_id", "email", "first_name", "last_name")
        where += " AND (" + " OR ".join(f"LOWER({c}) LIKE ? ESCAPE '\\'" for c in columns) + ")"
        params += [pattern] * len(columns)
    total = tx.scalar(f"SELECT COUNT(*) FROM users WHERE {where}", params)
    rows = tx.all(f"SELECT * FROM users WHERE {where} ORDER BY created_at, id LIMIT ? OFFSET ?",
                  [*params, limit, offset])
    return [UserRecord.from_row(r) for r in rows], int(total)


def user_counts(tx: Tx, user_ids: list[str]) -> dict[str, tuple[int, int]]:
    """``{user id: (sessions, current memories)}`` for the given internal ids (two indexed GROUP BYs)."""
    if not user_ids:
        return {}
    marks = ", ".join("?" * len(user_ids))
    sessions = {r["user_id"]: r["n"] for r in tx.all(
        f"SELECT user_id, COUNT(*) AS n FROM sessions WHERE user_id IN ({marks}) GROUP BY user_id", user_ids)}
    memories = {r["user_id"]: r["n"] for r in tx.all(
        f"SELECT user_id, COUNT(*) AS n FROM memories WHERE user_id IN ({marks}) AND expired_at IS NULL "
        "GROUP BY user_id", user_ids)}
    return {u: (int(sessions.get(u, 0)), int(memories.get(u, 0))) for u in user_ids}


def update_user(tx: Tx, user_id: str, *, custom_user_id: str | None = None, metadata: dict[str, Any] | None = None,
                email: Any = _UNSET, first_name: Any = _UNSET, last_name: Any = _UNSET,
                merge_conflict_enabled: Any = _UNSET) -> None:
    sets: list[str] = ["last_active_at = ?"]
    params: list[Any] = [now_us()]
    changes = {"custom_user_id": custom_user_id, "email": email, "first_name": first_name, "last_name": last_name,
               "merge_conflict_enabled": merge_conflict_enabled}
    for column, value in changes.items():
        if value is not _UNSET and not (column == "custom_user_id" and value is None):
            sets.append(f"{column} = ?")
            params.append(value)
    if metadata is not None:
        sets.append("metadata = ?")
        params.append(dump_json(metadata))
    tx.execute(f"UPDATE users SET {', '.join(sets)} WHERE id = ?", [*params, user_id])


def touch_user(tx: Tx, user_id: str, when_us: int | None = None) -> None:
    tx.execute("UPDATE users SET last_active_at = ? WHERE id = ?", [when_us or now_us(), user_id])


def delete_user(tx: Tx, user_id: str) -> None:
    tx.execute("DELETE FROM users WHERE id = ?", [user_id])


UNSET = _UNSET
