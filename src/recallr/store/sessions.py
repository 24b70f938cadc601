"""Sessions and their lifecycle; claiming work for a worker is a lease on the row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .database import Tx, now_us
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


def has_claimable(tx: Tx) -> bool:
    return tx.scalar(
        "SELECT 1 FROM sessions WHERE status = 'processing' AND (lease_expires_at IS NULL OR lease_expires_at < ?) "
        "LIMIT 1",
        [now_us()],
    ) is not None


def claim_session(tx: Tx, *, owner: str, lease_seconds: float,
                  max_crashes: int = 10) -> SessionRecord | None:
    """Lease one queued session whose previous lease (if any) has expired.

    A claim counts an attempt in ``attempts`` at once. If the previous lease ran out with no outcome recorded,
    its worker vanished (killed, out of memory, restarted): that attempt moves from ``attempts`` to ``crashes``,
    so restarts never bring a healthy session closer to ``failed``; sessions that have used up ``max_crashes``
    become ``failed`` instead of being claimed again (``fail_crashed``), so a session that kills its worker every
    time is not retried forever. An attempt cut short by a database outage or a clean stop is given back with
    ``release_lease`` and counts as neither.
    """
    fail_crashed(tx, max_crashes=max_crashes)
    now = now_us()
    row = tx.one(
        "SELECT id FROM sessions WHERE status = 'processing' AND (lease_expires_at IS NULL OR lease_expires_at < ?) "
        f"ORDER BY queued_at, id LIMIT 1{tx.dialect.skip_locked}",
        [now],
    )
    if row is None:
        return None
    # lease_owner is still set only if the last attempt vanished: it is not counted twice (attempts - 1 + 1).
    tx.execute(
        "UPDATE sessions SET attempts = CASE WHEN lease_owner IS NULL THEN attempts + 1 ELSE attempts END, "
        "crashes = CASE WHEN lease_owner IS NULL THEN crashes ELSE crashes + 1 END, "
        "lease_owner = ?, lease_expires_at = ? WHERE id = ?",
        [owner, now + int(lease_seconds * 1_000_000), row["id"]],
    )
    return get_session_by_id(tx, row["id"])


def owns_lease(tx: Tx, session_id: str, owner: str) -> bool:
    """Whether ``owner`` still holds the lease; if so the row stays locked until ``tx`` ends, so another worker
    cannot claim the session (its lease having expired meanwhile) while this one writes the results."""
    cur = tx.execute("UPDATE sessions SET lease_owner = lease_owner WHERE id = ? AND lease_owner = ? "
                     "AND status = 'processing'", [session_id, owner])
    return bool(cur.rowcount)


def finish_session(tx: Tx, session_id: str, owner: str) -> bool:
    cur = tx.execute(
        "UPDATE sessions SET status = 'processed', processed_at = ?, lease_owner = NULL, lease_expires_at = NULL, "
        "error = NULL WHERE id = ? AND lease_owner = ? AND status = 'processing'",
        [now_us(), session_id, owner],
    )
    return bool(cur.rowcount)


def renew_lease(tx: Tx, session_id: str, owner: str, *, lease_seconds: float) -> bool:
    """Extend ``owner``'s lease to ``lease_seconds`` from now; False if it is no longer ``owner``'s to extend."""
    cur = tx.execute(
        "UPDATE sessions SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? AND status = 'processing'",
        [now_us() + int(lease_seconds * 1_000_000), session_id, owner],
    )
    return bool(cur.rowcount)


def release_lease(tx: Tx, session_id: str, owner: str) -> bool:
    """Give a claimed session back, unprocessed, without counting the attempt its claim counted.

    For attempts the database cut short: an outage says nothing about the session, so it must not bring the
    session closer to ``failed``. The session is claimable again at once. Only the lease holder can give it back,
    and only once (the lease is cleared in the same statement), so a give-back retried after a lost commit
    acknowledgement does nothing. False if the lease was no longer ``owner``'s: another worker claimed the session
    after the lease ran out, and the cut-short attempt stays counted.
    """
    cur = tx.execute(
        "UPDATE sessions SET lease_owner = NULL, lease_expires_at = NULL, attempts = attempts - 1 "
        "WHERE id = ? AND lease_owner = ? AND status = 'processing' AND attempts > 0",
        [session_id, owner],
    )
    return bool(cur.rowcount)


def fail_attempt(tx: Tx, session_id: str, owner: str, *, error: str, max_attempts: int) -> str | None:
    """Record a failed attempt: retried later, or ``failed`` once attempts are used up. Returns the new status,
    or None if ``owner`` no longer holds the lease (the attempt is then another worker's to settle)."""
    row = tx.one("SELECT attempts FROM sessions WHERE id = ? AND lease_owner = ?", [session_id, owner])
    if row is None:
        return None
    status = "failed" if row["attempts"] >= max_attempts else "processing"
    cur = tx.execute(
        "UPDATE sessions SET status = ?, error = ?, lease_owner = NULL, lease_expires_at = NULL "
        "WHERE id = ? AND lease_owner = ?",
        [status, error[:4000], session_id, owner],
    )
    return status if cur.rowcount else None


def fail_crashed(tx: Tx, *, max_crashes: int) -> int:
    """Sessions whose worker vanished for the ``max_crashes``-th time (a lease ran out with no outcome recorded)
    become ``failed``; returns how many."""
    cur = tx.execute(
        "UPDATE sessions SET status = 'failed', lease_owner = NULL, lease_expires_at = NULL, crashes = crashes + 1, "
        "error = 'its worker stopped during processing ' || CAST(crashes + 1 AS TEXT) || ' times (RECALLR_MAX_CRASHES)'"
        " WHERE id IN (SELECT id FROM sessions WHERE status = 'processing' AND lease_owner IS NOT NULL "
        f"AND lease_expires_at < ? AND crashes + 1 >= ?{tx.dialect.skip_locked})",
        [now_us(), max_crashes],
    )
    return int(cur.rowcount or 0)
