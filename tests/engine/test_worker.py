"""The worker: leases, retries, failure after N attempts, all-or-nothing writes, auto-processing."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from recallr.engine import Engine
from recallr.engine.pipeline import Pipeline, ProcessingContext
from recallr.engine.worker import Worker
from recallr.store import Tx
from recallr.types import MessageRole


def _session(engine: Engine, n_messages: int = 3) -> tuple[str, str]:
    project, _ = engine.projects.create()
    engine.users.create(project.id, "u")
    session = engine.sessions.create(project.id, "u", auto_process_after_seconds=None)
    for i in range(n_messages):
        engine.sessions.add_message(project.id, "u", session.id, role=MessageRole.USER, content=f"message {i}")
    return project.id, session.id


def _status(engine: Engine, session_id: str) -> tuple[str, int, str | None]:
    with engine.db.read() as tx:
        row = tx.one("SELECT status, attempts, error FROM sessions WHERE id = ?", [session_id])
    return row["status"], row["attempts"], row["error"]


def _indexed(engine: Engine, session_id: str) -> int:
    with engine.db.read() as tx:
        return int(tx.scalar("SELECT COUNT(*) FROM message_vectors v JOIN messages m ON m.id = v.message_id "
                             "WHERE m.session_id = ?", [session_id]))


class Exploding:
    """A stage that writes, then fails: the whole session's transaction must roll back."""

    name = "exploding"

    def __init__(self, fail_times: int) -> None:
        self.fail_times = fail_times

    def prepare(self, ctx: ProcessingContext) -> None:
        pass

    def write(self, tx: Tx, ctx: ProcessingContext) -> None:
        if self.fail_times > 0:
            self.fail_times -= 1
            raise RuntimeError("boom")


def test_process_indexes_messages(engine: Engine) -> None:
    project_id, session_id = _session(engine)
    engine.sessions.process(project_id, "u", session_id)
    assert engine.worker().run_once()
    assert _status(engine, session_id)[0] == "processed"
    assert _indexed(engine, session_id) == 3
    with engine.db.read() as tx:
        hits = engine.db.dialect.search_text(tx, "messages", "message", where="t.session_id = ?",
                                             params=[session_id], limit=10)
    assert len(hits) == 3


def test_failure_rolls_back_and_retries_then_fails(engine: Engine) -> None:
    project_id, session_id = _session(engine)
    engine.sessions.process(project_id, "u", session_id)
    stages: list[Any] = [*engine.pipeline().stages, Exploding(fail_times=1)]
    worker = Worker(engine.db, engine.settings, Pipeline(stages))
    assert worker.run_once()
    status, attempts, error = _status(engine, session_id)
    assert (status, attempts) == ("processing", 1) and "boom" in (error or "")
    assert _indexed(engine, session_id) == 0  # the index stage's writes were rolled back
    assert worker.run_once()
    assert _status(engine, session_id)[0] == "processed" and _indexed(engine, session_id) == 3

    _, other = _session(engine)
    with engine.db.write() as tx:
        tx.execute("UPDATE sessions SET status = 'processing', queued_at = 1 WHERE id = ?", [other])
    always = Worker(engine.db, engine.settings, Pipeline([Exploding(fail_times=99)]))
    for _ in range(engine.settings.max_attempts):
        always.run_once()
    status, attempts, error = _status(engine, other)
    assert status == "failed" and attempts == engine.settings.max_attempts and "boom" in (error or "")


def test_dead_worker_lease_expires_and_another_finishes(engine: Engine) -> None:
    project_id, session_id = _session(engine)
    engine.sessions.process(project_id, "u", session_id)
    dead = engine.worker(owner="dead")
    assert dead.claim() is not None  # claimed, then the worker "dies" without writing
    live = engine.worker(owner="live")
    assert live.claim() is None  # leased: nobody else may take it yet
    with engine.db.write() as tx:
        tx.execute("UPDATE sessions SET lease_expires_at = 0 WHERE id = ?", [session_id])
    assert live.run_once()
    assert _status(engine, session_id)[0] == "processed" and _indexed(engine, session_id) == 3
    # The dead worker coming back cannot finish what it no longer owns.
    with engine.db.read() as tx:
        row = tx.one("SELECT lease_owner FROM sessions WHERE id = ?", [session_id])
    assert row["lease_owner"] is None


def test_lease_expiry_after_last_attempt_fails(engine: Engine) -> None:
    project_id, session_id = _session(engine)
    engine.sessions.process(project_id, "u", session_id)
    with engine.db.write() as tx:
        tx.execute("UPDATE sessions SET attempts = ?, lease_owner = 'gone', lease_expires_at = 1 WHERE id = ?",
                   [engine.settings.max_attempts, session_id])
    engine.worker().maintain()
    status, _, error = _status(engine, session_id)
    assert status == "failed" and "worker stopped" in (error or "")


@pytest.mark.parametrize("workers", [pytest.param(3, id="three-workers")])
def test_auto_process_happens_once(engine: Engine, workers: int) -> None:
    project, _ = engine.projects.create()
    engine.users.create(project.id, "u")
    ids = []
    for _ in range(6):
        session = engine.sessions.create(project.id, "u", auto_process_after_seconds=0)
        engine.sessions.add_message(project.id, "u", session.id, role=MessageRole.USER, content="hi")
        ids.append(session.id)
    pool = [engine.worker(owner=f"w{i}") for i in range(workers)]
    done = []

    def loop(w: Worker) -> None:
        while w.run_once():
            done.append(w.owner)

    threads = [threading.Thread(target=loop, args=(w,)) for w in pool]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(done) == 6
    assert all(_status(engine, i) == ("processed", 1, None) for i in ids)


def test_concurrent_add_message_keeps_all_in_order(engine: Engine) -> None:
    project, _ = engine.projects.create()
    engine.users.create(project.id, "u")
    session = engine.sessions.create(project.id, "u")

    def add(thread: int) -> None:
        for i in range(50):
            engine.sessions.add_message(project.id, "u", session.id, role=MessageRole.USER, content=f"{thread}:{i}")

    threads = [threading.Thread(target=add, args=(t,)) for t in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    messages, total = engine.sessions.messages(project.id, "u", session.id, limit=1000)
    assert total == 1000 and [m.position for m in messages] == list(range(1000))
    for thread in range(20):
        mine = [int(m.content.split(":")[1]) for m in messages if m.content.startswith(f"{thread}:")]
        assert mine == list(range(50))
    assert len({m.timestamp for m in messages}) > 1
