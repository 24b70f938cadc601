"""Merge conflicts: a proposed memory held back until the user's answers decide what is current."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .database import Tx, now_us
from .records import dump_json, load_json, to_dt


@dataclass(frozen=True)
class ConflictRecord:
    id: str
    user_id: str
    session_id: str
    status: str
    proposed: dict[str, Any]
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
            row["id"], row["user_id"], row["session_id"], row["status"], load_json(row["proposed"]),
            load_json(row["conflicting"]), load_json(row["questions"]),
            None if row["answers"] is None else load_json(row["answers"]),
            None if row["resolution_data"] is None else load_json(row["resolution_data"]),
            [] if row["new_memory_ids"] is None else load_json(row["new_memory_ids"]),
            to_dt(row["created_at"]), to_dt(row["resolved_at"]), row["attempts"], row["error"],  # type: ignore[arg-type]
        )


def insert(tx: Tx, *, conflict_id: str, user_id: str, session_id: str, proposed: dict[str, Any],
           conflicting: list[dict[str, Any]], questions: list[dict[str, Any]], created_at_us: int) -> None:
    tx.execute(
        "INSERT INTO merge_conflicts (id, user_id, session_id, status, proposed, conflicting, questions, created_at) "
        "VALUES (?, ?, ?, 'PENDING', ?, ?, ?, ?)",
        [conflict_id, user_id, session_id, dump_json(proposed), dump_json(conflicting), dump_json(questions),
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


def has_claimable(tx: Tx) -> bool:
    return tx.scalar("SELECT 1 FROM merge_conflicts WHERE status IN ('IN_QUEUE', 'RESOLVING') "
                     "AND (lease_expires_at IS NULL OR lease_expires_at < ?) LIMIT 1", [now_us()]) is not None


def claim(tx: Tx, *, owner: str, lease_seconds: float, max_crashes: int = 10) -> ConflictRecord | None:
    """Lease the oldest answered conflict whose lease (if any) has expired, counting the attempt now; an attempt
    whose worker vanished counts in ``crashes`` instead (see ``sessions.claim_session``)."""
    fail_crashed(tx, max_crashes=max_crashes)
    now = now_us()
    row = tx.one("SELECT id FROM merge_conflicts WHERE status IN ('IN_QUEUE', 'RESOLVING') "
                 "AND (lease_expires_at IS NULL OR lease_expires_at < ?) ORDER BY created_at, id LIMIT 1"
                 f"{tx.dialect.skip_locked}", [now])
    if row is None:
        return None
    tx.execute("UPDATE merge_conflicts SET status = 'RESOLVING', "
               "attempts = CASE WHEN lease_owner IS NULL THEN attempts + 1 ELSE attempts END, "
               "crashes = CASE WHEN lease_owner IS NULL THEN crashes ELSE crashes + 1 END, "
               "lease_owner = ?, lease_expires_at = ? WHERE id = ?", [owner, now + int(lease_seconds * 1e6), row["id"]])
    found = tx.one("SELECT * FROM merge_conflicts WHERE id = ?", [row["id"]])
    return ConflictRecord.from_row(found)


def fail_crashed(tx: Tx, *, max_crashes: int) -> int:
    """Conflicts whose worker vanished for the ``max_crashes``-th time become ``FAILED`` (see
    ``sessions.fail_crashed``)."""
    now = now_us()
    cur = tx.execute("UPDATE merge_conflicts SET status = 'FAILED', lease_owner = NULL, lease_expires_at = NULL, "
                     "crashes = crashes + 1, resolved_at = ?, error = 'its worker stopped while resolving it ' || "
                     "CAST(crashes + 1 AS TEXT) || ' times (RECALLR_MAX_CRASHES)' WHERE id IN (SELECT id FROM "
                     "merge_conflicts WHERE status = 'RESOLVING' AND lease_owner IS NOT NULL AND lease_expires_at < ? "
                     f"AND crashes + 1 >= ?{tx.dialect.skip_locked})", [now, now, max_crashes])
    return int(cur.rowcount or 0)


def owns(tx: Tx, conflict_id: str, owner: str) -> bool:
    """Whether ``owner`` still holds the lease; if so the row stays locked until ``tx`` ends (see
    ``sessions.owns_lease``)."""
    cur = tx.execute("UPDATE merge_conflicts SET lease_owner = lease_owner WHERE id = ? AND lease_owner = ? "
                     "AND status = 'RESOLVING'", [conflict_id, owner])
    return bool(cur.rowcount)


def resolve(tx: Tx, conflict_id: str, *, resolution: dict[str, Any], new_memory_ids: list[str]) -> None:
    tx.execute("UPDATE merge_conflicts SET status = 'RESOLVED', resolution_data = ?, new_memory_ids = ?, "
               "resolved_at = ?, lease_owner = NULL, lease_expires_at = NULL, error = NULL WHERE id = ?",
               [dump_json(resolution), dump_json(new_memory_ids), now_us(), conflict_id])


def renew_lease(tx: Tx, conflict_id: str, owner: str, *, lease_seconds: float) -> bool:
    """Extend ``owner``'s lease to ``lease_seconds`` from now; False if it is no longer ``owner``'s to extend."""
    cur = tx.execute("UPDATE merge_conflicts SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? "
                     "AND status = 'RESOLVING'", [now_us() + int(lease_seconds * 1e6), conflict_id, owner])
    return bool(cur.rowcount)


def release_lease(tx: Tx, conflict_id: str, owner: str) -> bool:
    """Put a claimed conflict back in the queue without counting the attempt its claim counted (the database cut
    the attempt short); only the lease holder can, and only once (see ``sessions.release_lease``)."""
    cur = tx.execute("UPDATE merge_conflicts SET status = 'IN_QUEUE', lease_owner = NULL, lease_expires_at = NULL, "
                     "attempts = attempts - 1 WHERE id = ? AND lease_owner = ? AND status = 'RESOLVING' "
                     "AND attempts > 0", [conflict_id, owner])
    return bool(cur.rowcount)


def fail_attempt(tx: Tx, conflict_id: str, owner: str, *, error: str, max_attempts: int) -> str | None:
    """Record a failed attempt: back ``IN_QUEUE``, or ``FAILED`` once attempts are used up. Returns the new status,
    or None if ``owner`` no longer holds the lease (another worker took the conflict over; it is theirs to settle)."""
    attempts = tx.scalar("SELECT attempts FROM merge_conflicts WHERE id = ? AND lease_owner = ?", [conflict_id, owner])
    if attempts is None:
        return None
    status = "FAILED" if attempts >= max_attempts else "IN_QUEUE"
    cur = tx.execute("UPDATE merge_conflicts SET status = ?, error = ?, lease_owner = NULL, lease_expires_at = NULL, "
                     "resolved_at = CASE WHEN ? = 'FAILED' THEN ? ELSE resolved_at END "
                     "WHERE id = ? AND lease_owner = ?",
                     [status, error[:4000], status, now_us(), conflict_id, owner])
    return status if cur.rowcount else None
