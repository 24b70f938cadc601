"""The one lease queue, for sessions and merge conflicts alike: claim, renew, own, give back, fail, crashes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recallr.store import Database, Tx
from recallr.store.leases import MERGE_CONFLICTS, SESSIONS, LeaseQueue

QUEUES = [pytest.param(SESSIONS, id="sessions"), pytest.param(MERGE_CONFLICTS, id="merge_conflicts")]


@pytest.fixture
def db(tmp_path: Path, database_url: str | None) -> Iterator[Database]:
    database = Database(database_url or f"sqlite:///{tmp_path / 'r.db'}")
    database.migrate()
    with database.write() as tx:
        tx.execute("INSERT INTO projects VALUES ('p', 'p', FALSE, 0)")
        tx.execute("INSERT INTO users (id, project_id, custom_user_id, metadata, created_at, last_active_at) "
                   "VALUES ('u', 'p', 'alice', '{}', 0, 0)")
    yield database
    database.close()


def _enqueue(tx: Tx, queue: LeaseQueue, ident: str, at: int) -> None:
    """A row waiting in ``queue``, queued at ``at`` (older rows are claimed first)."""
    session_id, status = (ident, SESSIONS.queued) if queue is SESSIONS else (f"s-{ident}", "processed")
    tx.execute("INSERT INTO sessions (id, user_id, status, metadata, created_at, last_activity_at, queued_at) "
               "VALUES (?, 'u', ?, '{}', ?, 0, ?)", [session_id, status, at, at])
    if queue is MERGE_CONFLICTS:
        tx.execute("INSERT INTO merge_conflicts (id, user_id, session_id, status, proposed, conflicting, questions, "
                   "created_at) VALUES (?, 'u', ?, ?, '{}', '[]', '[]', ?)", [ident, session_id, queue.queued, at])


def _row(db: Database, queue: LeaseQueue, ident: str) -> dict[str, Any]:
    names = ("status", "attempts", "crashes", "lease_owner", "error")
    with db.read() as tx:
        row = tx.one(f"SELECT {', '.join(names)} FROM {queue.table} WHERE id = ?", [ident])
    return dict(zip(names, tuple(row), strict=True))


def _claim(db: Database, queue: LeaseQueue, owner: str, *, lease: float = 30, max_crashes: int = 10) -> str | None:
    with db.write() as tx:
        return queue.claim(tx, owner=owner, lease_seconds=lease, max_crashes=max_crashes)


@pytest.mark.parametrize("queue", QUEUES)
def test_claims_the_oldest_once_and_counts_the_attempt(db: Database, queue: LeaseQueue) -> None:
    with db.write() as tx:
        _enqueue(tx, queue, "young", 2)
        _enqueue(tx, queue, "old", 1)
    with db.read() as tx:
        assert queue.has_claimable(tx)
    assert _claim(db, queue, "a") == "old"
    assert _claim(db, queue, "b") == "young"
    assert _claim(db, queue, "c") is None
    with db.read() as tx:
        assert not queue.has_claimable(tx)
    row = _row(db, queue, "old")
    assert (row["status"], row["attempts"], row["crashes"], row["lease_owner"]) == (queue.working, 1, 0, "a")


@pytest.mark.parametrize("queue", QUEUES)
def test_only_the_lease_holder_renews_owns_releases_and_fails(db: Database, queue: LeaseQueue) -> None:
    with db.write() as tx:
        _enqueue(tx, queue, "x", 1)
    assert _claim(db, queue, "a") == "x"
    with db.write() as tx:
        assert not queue.renew(tx, "x", "b", lease_seconds=30)
        assert not queue.owns(tx, "x", "b")
        assert not queue.release(tx, "x", "b")
        assert queue.fail(tx, "x", "b", error="boom", max_attempts=3) is None
        assert queue.renew(tx, "x", "a", lease_seconds=30)
        assert queue.owns(tx, "x", "a")
    assert _row(db, queue, "x")["attempts"] == 1


@pytest.mark.parametrize("queue", QUEUES)
def test_a_release_gives_the_attempt_back_once(db: Database, queue: LeaseQueue) -> None:
    with db.write() as tx:
        _enqueue(tx, queue, "x", 1)
    assert _claim(db, queue, "a") == "x"
    with db.write() as tx:
        assert queue.release(tx, "x", "a")
        assert not queue.release(tx, "x", "a")  # retried after a lost acknowledgement: nothing more happens
    row = _row(db, queue, "x")
    assert (row["status"], row["attempts"], row["lease_owner"]) == (queue.queued, 0, None)
    assert _claim(db, queue, "b") == "x"  # claimable again at once


@pytest.mark.parametrize("queue", QUEUES)
def test_failed_attempts_requeue_then_fail_for_good(db: Database, queue: LeaseQueue) -> None:
    with db.write() as tx:
        _enqueue(tx, queue, "x", 1)
    statuses = []
    for owner in ("a", "b"):
        assert _claim(db, queue, owner) == "x"
        with db.write() as tx:
            statuses.append(queue.fail(tx, "x", owner, error="ValueError: " + "e" * 5000, max_attempts=2))
    assert statuses == [queue.queued, queue.failed]
    row = _row(db, queue, "x")
    assert (row["attempts"], row["lease_owner"], len(row["error"])) == (2, None, 4000)
    assert _claim(db, queue, "c") is None
    if queue.failed_at is not None:
        with db.read() as tx:
            assert tx.scalar(f"SELECT {queue.failed_at} FROM {queue.table} WHERE id = 'x'") is not None


@pytest.mark.parametrize("queue", QUEUES)
def test_vanished_workers_count_as_crashes_up_to_the_limit(db: Database, queue: LeaseQueue) -> None:
    with db.write() as tx:
        _enqueue(tx, queue, "x", 1)
    assert _claim(db, queue, "gone-1", lease=0.05, max_crashes=2) == "x"
    time.sleep(0.1)
    assert _claim(db, queue, "gone-2", lease=0.05, max_crashes=2) == "x"  # the first loss moves to crashes
    row = _row(db, queue, "x")
    assert (row["attempts"], row["crashes"]) == (1, 1)
    time.sleep(0.1)
    assert _claim(db, queue, "c", max_crashes=2) is None  # the second loss used up max_crashes
    row = _row(db, queue, "x")
    assert (row["status"], row["attempts"], row["crashes"], row["lease_owner"]) == (queue.failed, 1, 2, None)
    assert row["error"].endswith(" 2 times (RECALLR_MAX_CRASHES)")
