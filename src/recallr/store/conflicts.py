"""Merge conflicts: a proposed memory held back until the user's answers decide what is current."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .database import Tx, now_us
from .leases import MERGE_CONFLICTS
from .proposals import ProposedMemory
from .records import dump_json, load_json, to_dt


@dataclass(frozen=True)
class ConflictRecord:
    id: str
    user_id: str
    session_id: str
    status: str
    proposed: ProposedMemory
    conflicting: list[dict[str, Any]]  # [{"memory_id", "reason"}]
    questions: list[dict[str, Any]]  # [{"question", "options"}]
    answers: list[dict[str, Any]] | None
    resolution_data: dict[str, Any] | None
    new_memory_ids: list[str]
    created_at: datetime
    resolved_at: datetime | None
    attempts: int
    error: str | None

    @classmethod
    def from_row(cls, row: Any) -> ConflictRecord:
        return cls(
            row["id"], row["user_id"], row["session_id"], row["status"],
            ProposedMemory.from_json(load_json(row["proposed"])),
            load_json(row["conflicting"]), load_json(row["questions"]),
            None if row["answers"] is None else load_json(row["answers"]),
            None if row["resolution_data"] is None else load_json(row["resolution_data"]),
            [] if row["new_memory_ids"] is None else load_json(row["new_memory_ids"]),
            to_dt(row["created_at"]), to_dt(row["resolved_at"]), row["attempts"], row["error"],  # type: ignore[arg-type]
        )


def insert(tx: Tx, *, conflict_id: str, user_id: str, session_id: str, proposed: ProposedMemory,
           conflicting: list[dict[str, Any]], questions: list[dict[str, Any]], created_at_us: int) -> None:
    tx.execute(
        "INSERT INTO merge_conflicts (id, user_id, session_id, status, proposed, conflicting, questions, created_at) "
        "VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?)",
        [conflict_id, user_id, session_id, dump_json(proposed.to_json()), dump_json(conflicting), dump_json(questions),
         created_at_us],
    )


def get(tx: Tx, user_id: str, conflict_id: str) -> ConflictRecord | None:
    row = tx.one("SELECT * FROM merge_conflicts WHERE id = ? AND user_id = ?", [conflict_id, user_id])
    return None if row is None else ConflictRecord.from_row(row)


def page(tx: Tx, user_id: str, *, offset: int, limit: int, status: str | None, sort_by: str,
         descending: bool) -> tuple[list[ConflictRecord], int]:
    where, params = "user_id = ?", [user_id]
    if status:
        where, params = f"{where} AND status = ?", [*params, status]
    column = {"created_at": "created_at", "resolved_at": "resolved_at"}[sort_by]
    order = "DESC" if descending else "ASC"
    total = tx.scalar(f"SELECT COUNT(*) FROM merge_conflicts WHERE {where}", params)
    rows = tx.all(f"SELECT * FROM merge_conflicts WHERE {where} ORDER BY {column} IS NULL, {column} {order}, id "
                  "LIMIT ? OFFSET ?", [*params, limit, offset])
    return [ConflictRecord.from_row(r) for r in rows], int(total)


def queue(tx: Tx, conflict_id: str, answers: list[dict[str, Any]]) -> bool:
    cur = tx.execute("UPDATE merge_conflicts SET status = 'IN_QUEUE', answers = ? WHERE id = ? AND status = 'PENDING'",
                     [dump_json(answers), conflict_id])
    return bool(cur.rowcount)


def claim(tx: Tx, *, owner: str, lease_seconds: float, max_crashes: int = 10) -> ConflictRecord | None:
    """Lease the oldest answered conflict whose lease (if any) has expired (see ``leases.LeaseQueue.claim``)."""
    conflict_id = QUEUE.claim(tx, owner=owner, lease_seconds=lease_seconds, max_crashes=max_crashes)
    if conflict_id is None:
        return None
    return ConflictRecord.from_row(tx.one("SELECT * FROM merge_conflicts WHERE id = ?", [conflict_id]))


def resolve(tx: Tx, conflict_id: str, *, resolution: dict[str, Any], new_memory_ids: list[str]) -> None:
    tx.execute("UPDATE merge_conflicts SET status = 'RESOLVED', resolution_data = ?, new_memory_ids = ?, "
               "resolved_at = ?, lease_owner = NULL, lease_expires_at = NULL, error = NULL WHERE id = ?",
               [dump_json(resolution), dump_json(new_memory_ids), now_us(), conflict_id])


#: The lease queue of answered conflicts waiting to be resolved (has_claimable, owns, renew, release, fail).
QUEUE = MERGE_CONFLICTS
