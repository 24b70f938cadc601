"""Sessions and their lifecycle; claiming work for a worker is a lease on the row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .database import Tx, now_us
from .leases import SESSIONS
from .records import SessionRecord, dump_json


def insert_session(tx: Tx, *, session_id: str, user_id: str, metadata: dict[str, Any],
                   auto_process_after_seconds: int | None, created_at_us: int, clock_offset_us: int) -> SessionRecord:
    tx.execute(
        "INSERT INTO sessions (id, user_id, status, metadata, auto_process_after_seconds, created_at, clock_offset, "
        "last_activity_at) VALUES (?, ?, 'pending', ?, ?, ?, ?, ?)",
        [session_id, user_id, dump_json(metadata), auto_process_after_seconds, created_at_us, clock_offset_us,
         now_us()],
    )
    return get_session(tx, user_id, session_id)  # type: ignore[return-value]


def get_session(tx: Tx, user_id: str, session_id: str) -> SessionRecord | None:
    row = tx.one("SELECT * FROM sessions WHERE id = ? AND user_id = ?", [session_id, user_id])
    return None if row is None else SessionRecord.from_row(row)


def get_session_by_id(tx: Tx, session_id: str) -> SessionRecord | None:
    row = tx.one("SELECT * FROM sessions WHERE id = ?", [session_id])
    return None if row is None else SessionRecord.from_row(row)


def list_sessions(tx: Tx, user_id: str, *, offset: int, limit: int, metadata_filter: dict[str, Any] | None,
                  statuses: Sequence[str] | None) -> tuple[list[SessionRecord], int]:
    where, params = "user_id = ?", [user_id]
    if metadata_filter:
        clause, extra = tx.dialect.json_contains("metadata", metadata_filter)
        where, params = f"{where} AND {clause}", [*params, *extra]
    if statuses:
        where += f" AND status IN ({', '.join('?' for _ in statuses)})"
        params = [*params, *statuses]
    total = tx.scalar(f"SELECT COUNT(*) FROM sessions WHERE {where}", params)
    rows = tx.all(f"SELECT * FROM sessions WHERE {where} ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
                  [*params, limit, offset])
    return [SessionRecord.from_row(r) for r in rows], int(total)


def update_metadata(tx: Tx, session_id: str, metadata: dict[str, Any]) -> None:
    tx.execute("UPDATE sessions SET metadata = ? WHERE id = ?", [dump_json(metadata), session_id])


def delete_session(tx: Tx, session_id: str) -> None:
    tx.execute("DELETE FROM sessions WHERE id = ?", [session_id])


def queue_for_processing(tx: Tx, session_id: str) -> bool:
    """pending -> processing (queued). False if the session was not pending."""
    cur = tx.execute(
        "UPDATE sessions SET status = 'processing', queued_at = ?, lease_owner = NULL, lease_expires_at = NULL "
        "WHERE id = ? AND status = 'pending'",
        [now_us(), session_id],
    )
    return bool(cur.rowcount)


def queue_idle_sessions(tx: Tx, *, min_seconds: int) -> int:
    """Queue every pending session idle for its ``auto_process_after_seconds``; returns how many."""
    now = now_us()
    # Rows another worker is queueing right now are skipped, not waited on: no lock-order deadlocks.
    cur = tx.execute(
        "UPDATE sessions SET status = 'processing', queued_at = ? WHERE id IN (SELECT id FROM sessions "
        "WHERE status = 'pending' AND auto_process_after_seconds IS NOT NULL AND message_count > 0 "
        "AND last_activity_at + (CASE WHEN auto_process_after_seconds < ? THEN ? ELSE auto_process_after_seconds END)"
        f" * 1000000 <= ?{tx.dialect.skip_locked})",
        [now, min_seconds, min_seconds, now],
    )
    return int(cur.rowcount or 0)


def claim_session(tx: Tx, *, owner: str, lease_seconds: float,
                  max_crashes: int = 10) -> SessionRecord | None:
    """Lease one queued session whose previous lease (if any) has expired (see ``leases.LeaseQueue.claim``)."""
    session_id = QUEUE.claim(tx, owner=owner, lease_seconds=lease_seconds, max_crashes=max_crashes)
    return None if session_id is None else get_session_by_id(tx, session_id)


def finish_session(tx: Tx, session_id: str, owner: str) -> bool:
    cur = tx.execute(
        "UPDATE sessions SET status = 'processed', processed_at = ?, lease_owner = NULL, lease_expires_at = NULL, "
        "error = NULL WHERE id = ? AND lease_owner = ? AND status = 'processing'",
        [now_us(), session_id, owner],
    )
    return bool(cur.rowcount)


#: The lease queue of sessions waiting to be processed (has_claimable, owns, renew, release, fail, fail_crashed).
QUEUE = SESSIONS
owns_lease = QUEUE.owns
renew_lease = QUEUE.renew


def count_by_status(tx: Tx) -> dict[str, int]:
    """How many sessions each status has (one pass over the ``sessions_status`` index)."""
    return {str(row[0]): int(row[1]) for row in tx.all("SELECT status, COUNT(*) FROM sessions GROUP BY status")}


def queue_depth(tx: Tx) -> tuple[int, int, int | None]:
    """``(waiting, in_progress, oldest)``: queued sessions no worker holds, those a worker holds now, and when the
    longest-waiting one was queued (epoch microseconds; None if none waits)."""
    now = now_us()
    waiting = tx.one("SELECT COUNT(*), MIN(queued_at) FROM sessions WHERE status = 'processing' "
                     "AND (lease_expires_at IS NULL OR lease_expires_at < ?)", [now])
    held = tx.scalar("SELECT COUNT(*) FROM sessions WHERE status = 'processing' AND lease_expires_at >= ?", [now])
    assert waiting is not None
    return int(waiting[0]), int(held or 0), None if waiting[1] is None else int(waiting[1])
