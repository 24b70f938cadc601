"""The worker: leases, retries, failure after N attempts, all-or-nothing writes, auto-processing."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from recallr.bootstrap import Engine
from recallr.engine.processing.pipeline import Pipeline, ProcessingContext
from recallr.engine.processing.worker import Worker
from recallr.exceptions import ServiceUnavailableError
from recallr.store import Tx, now_us
from recallr.store import conflicts as conflict_store
from recallr.store.conflicts import ConflictRecord
from recallr.store.proposals import ProposedMemory
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


class Slow:
    """A stage whose ``prepare`` lasts until the test lets it finish (a long LLM extraction, say)."""

    name = "slow"

    def __init__(self) -> None:
        self.started = threading.Event()
        self.finish = threading.Event()
        self.prepared = 0

    def prepare(self, ctx: ProcessingContext) -> None:
        self.prepared += 1
        self.started.set()
        self.finish.wait(30)

    def write(self, tx: Tx, ctx: ProcessingContext) -> None:
        pass


class DatabaseOutage:
    """A stage that finds the database unavailable, as the store reports it, in its first ``times`` runs."""

    name = "outage"

    def __init__(self, times: int, *, during: str) -> None:
        self.times = times
        self.during = during

    def _maybe_fail(self, step: str) -> None:
        if step == self.during and self.times > 0:
            self.times -= 1
            raise ServiceUnavailableError("The database is unavailable; retry shortly")

    def prepare(self, ctx: ProcessingContext) -> None:
        self._maybe_fail("prepare")

    def write(self, tx: Tx, ctx: ProcessingContext) -> None:
        self._maybe_fail("write")


def _lease(engine: Engine, table: str, row_id: str) -> tuple[str, str | None, int, str | None]:
    with engine.db.read() as tx:
        row = tx.one(f"SELECT status, lease_owner, attempts, error FROM {table} WHERE id = ?", [row_id])
    return row["status"], row["lease_owner"], row["attempts"], row["error"]


def test_lease_is_renewed_while_a_slow_session_is_prepared(engine: Engine) -> None:
    project_id, session_id = _session(engine)
    engine.sessions.process(project_id, "u", session_id)
    settings = engine.settings.model_copy(update={"lease_seconds": 0.9})  # renewed every 0.3 s
    slow = Slow()
    first = Worker(engine.db, settings, Pipeline([*engine.pipeline().stages, slow]), owner="first")
    second = Worker(engine.db, settings, engine.pipeline(), owner="second")
    outcome: list[bool] = []
    thread = threading.Thread(target=lambda: outcome.append(first.run_once()))
    thread.start()
    try:
        assert slow.started.wait(10)
        deadline = time.monotonic() + 2.5 * settings.lease_seconds  # well past the lease first claimed
        while time.monotonic() < deadline:
            assert not second.run_once(), "the second worker claimed a session whose lease is being renewed"
            time.sleep(0.05)
    finally:
        slow.finish.set()
        thread.join(10)
    assert outcome == [True]
    assert _status(engine, session_id) == ("processed", 1, None)
    assert slow.prepared == 1 and _indexed(engine, session_id) == 3
    assert not second.run_once()


@pytest.mark.parametrize("during", [pytest.param("prepare", id="during-prepare"),
                                    pytest.param("write", id="during-write")])
def test_database_outage_does_not_use_an_attempt(engine: Engine, during: str) -> None:
    project_id, session_id = _session(engine)
    engine.sessions.process(project_id, "u", session_id)
    settings = engine.settings.model_copy(update={"max_attempts": 1})  # one real failure would fail it
    outage = DatabaseOutage(times=2, during=during)
    worker = Worker(engine.db, settings, Pipeline([*engine.pipeline().stages, outage]))
    for _ in range(2):
        assert worker.run_once()
        assert _lease(engine, "sessions", session_id) == ("processing", None, 0, None)  # claimable again at once
        assert _indexed(engine, session_id) == 0
    assert worker.run_once()
    assert _status(engine, session_id) == ("processed", 1, None) and _indexed(engine, session_id) == 3


def _conflict(engine: Engine) -> str:
    """An answered merge conflict, queued for a worker to resolve."""
    _, session_id = _session(engine, n_messages=1)
    with engine.db.write() as tx:
        user_id = tx.scalar("SELECT user_id FROM sessions WHERE id = ?", [session_id])
        conflict_id = str(uuid.uuid4())
        day = datetime(2024, 5, 1, tzinfo=UTC)
        question = {"question": "Where does the user live?",
                    "options": ["User lives in Berlin.", "User lives in Paris."]}
        conflict_store.insert(tx, conflict_id=conflict_id, user_id=user_id, session_id=session_id,
                              proposed=ProposedMemory("User lives in Berlin.", (), event_start=day, event_end=day),
                              conflicting=[], questions=[question], created_at_us=now_us())
        assert conflict_store.queue(tx, conflict_id, [{"question": question["question"],
                                                       "answer": "User lives in Berlin."}])
    return conflict_id


def _resolver(engine: Engine, owner: str, resolver: Any = None, **settings: Any) -> Worker:
    return Worker(engine.db, engine.settings.model_copy(update=settings), engine.pipeline(), owner=owner,
                  embedder=lambda: engine.embedder, resolver=resolver)


def test_database_outage_does_not_use_a_conflict_attempt(engine: Engine) -> None:
    conflict_id = _conflict(engine)
    outages = [1, 1]

    def unavailable_twice(conflict: ConflictRecord) -> None:
        if outages:
            outages.pop()
            raise ServiceUnavailableError("The database is unavailable; retry shortly")

    worker = _resolver(engine, "w", unavailable_twice, max_attempts=1)
    for _ in range(2):
        assert worker.resolve_one()
        assert _lease(engine, "merge_conflicts", conflict_id) == ("IN_QUEUE", None, 0, None)
    assert worker.resolve_one()
    assert _lease(engine, "merge_conflicts", conflict_id) == ("RESOLVED", None, 1, None)


def test_worker_that_lost_a_conflicts_lease_cannot_fail_it(engine: Engine) -> None:
    conflict_id = _conflict(engine)
    taken: list[ConflictRecord] = []

    def taken_over_then_fails(conflict: ConflictRecord) -> None:
        with engine.db.write() as tx:  # meanwhile the lease ran out and another worker claimed the conflict
            tx.execute("UPDATE merge_conflicts SET lease_expires_at = 0 WHERE id = ?", [conflict.id])
            taken.append(conflict_store.claim(tx, owner="second", lease_seconds=30))  # type: ignore[arg-type]
        raise RuntimeError("boom")

    assert _resolver(engine, "first", taken_over_then_fails).resolve_one()
    # The first worker's lease ran out with nothing recorded: a lost attempt (crashes), not a failed one.
    assert _lease(engine, "merge_conflicts", conflict_id) == ("RESOLVING", "second", 1, None)
    _resolver(engine, "second").resolve(taken[0])  # the new owner finishes undisturbed
    assert _lease(engine, "merge_conflicts", conflict_id) == ("RESOLVED", None, 1, None)
