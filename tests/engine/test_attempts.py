"""Attempt accounting: errors use attempts up; a clean stop gives the attempt back; a worker that vanishes (killed,
out of memory, restarted) counts in ``crashes`` instead, bounded by ``max_crashes``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

from recallr.engine import Engine
from recallr.engine.pipeline import EMBED_CHUNK, IndexMessages, Pipeline
from recallr.engine.worker import Worker
from recallr.store import conflicts as conflict_store
from recallr.store import now_us

from ..conftest import wait_for
from .test_worker import Exploding, Slow, _conflict, _indexed, _session


def _row(engine: Engine, session_id: str, table: str = "sessions") -> dict[str, Any]:
    with engine.db.read() as tx:
        row = tx.one(f"SELECT status, attempts, crashes, lease_owner, error FROM {table} WHERE id = ?", [session_id])
    return dict(zip(("status", "attempts", "crashes", "lease_owner", "error"), tuple(row), strict=True))


def _queued(engine: Engine) -> str:
    project_id, session_id = _session(engine)
    engine.sessions.process(project_id, "u", session_id)
    return session_id


def _worker(engine: Engine, owner: str, pipeline: Pipeline | None = None, **settings: Any) -> Worker:
    return Worker(engine.db, engine.settings.model_copy(update=settings), pipeline or engine.pipeline(), owner=owner,
                  embedder=lambda: engine.embedder)


def _vanish(engine: Engine, owner: str, *, claim: str = "session", **settings: Any) -> None:
    """A worker claims, then vanishes without a word: its short lease simply runs out."""
    if claim == "session":
        assert _worker(engine, owner, lease_seconds=0.05, **settings).claim() is not None
    else:
        with engine.db.write() as tx:
            assert conflict_store.claim(tx, owner=owner, lease_seconds=0.05) is not None
    time.sleep(0.1)


def test_three_vanished_workers_never_fail_a_healthy_session(engine: Engine) -> None:
    session_id = _queued(engine)
    for i in range(3):
        _vanish(engine, f"restarted-{i}", max_attempts=1)
    assert _worker(engine, "live", max_attempts=1).run_once()
    row = _row(engine, session_id)
    assert (row["status"], row["attempts"], row["crashes"], row["error"]) == ("processed", 1, 3, None)
    assert _indexed(engine, session_id) == 3


def test_errors_still_use_attempts_between_crashes(engine: Engine) -> None:
    session_id = _queued(engine)
    failing = Pipeline([Exploding(fail_times=99)])
    for round_ in range(2):
        _vanish(engine, f"killed-{round_}", max_attempts=2)
        assert _worker(engine, f"erring-{round_}", failing, max_attempts=2).run_once()
    row = _row(engine, session_id)
    assert (row["status"], row["attempts"], row["crashes"]) == ("failed", 2, 2)
    assert "boom" in row["error"]


def test_a_session_that_kills_its_worker_every_time_fails_after_max_crashes(engine: Engine) -> None:
    session_id = _queued(engine)
    for i in range(3):
        _vanish(engine, f"oom-{i}", max_crashes=4)
    assert _row(engine, session_id)["status"] == "processing"  # three of four: still retried
    _vanish(engine, "oom-3", max_crashes=4)
    assert not _worker(engine, "next", max_crashes=4).run_once()  # nothing left to claim
    row = _row(engine, session_id)
    assert (row["status"], row["attempts"], row["crashes"], row["lease_owner"]) == ("failed", 1, 4, None)
    assert "stopped during processing 4 times" in row["error"] and "RECALLR_MAX_CRASHES" in row["error"]


def test_a_vanished_resolver_does_not_use_a_conflict_attempt(engine: Engine) -> None:
    conflict_id = _conflict(engine)
    _vanish(engine, "dead", claim="conflict")
    assert _worker(engine, "live", max_attempts=1).resolve_one()
    row = _row(engine, conflict_id, "merge_conflicts")
    assert (row["status"], row["attempts"], row["crashes"]) == ("RESOLVED", 1, 1)


def test_a_conflict_that_kills_its_worker_every_time_fails_after_max_crashes(engine: Engine) -> None:
    conflict_id = _conflict(engine)
    for i in range(2):
        with engine.db.write() as tx:
            assert conflict_store.claim(tx, owner=f"oom-{i}", lease_seconds=0.05, max_crashes=2) is not None
        time.sleep(0.1)
    assert not _worker(engine, "next", max_crashes=2).resolve_one()
    row = _row(engine, conflict_id, "merge_conflicts")
    assert (row["status"], row["crashes"]) == ("FAILED", 2) and "RECALLR_MAX_CRASHES" in row["error"]


def test_stop_gives_the_session_in_flight_back(engine: Engine) -> None:
    session_id = _queued(engine)
    slow = Slow()
    worker = _worker(engine, "stopping", Pipeline([slow, *engine.pipeline().stages]), max_attempts=1)
    worker.start()
    assert slow.started.wait(10)
    stopped: list[bool] = []
    stopper = threading.Thread(target=lambda: stopped.append(worker.stop(timeout=10)))
    stopper.start()
    wait_for(lambda: worker.stopping)
    slow.finish.set()  # the stage in progress ends; the next one is not started
    stopper.join(15)
    assert stopped == [True]
    row = _row(engine, session_id)
    assert (row["status"], row["attempts"], row["crashes"], row["lease_owner"]) == ("processing", 0, 0, None)
    assert _indexed(engine, session_id) == 0
    assert _worker(engine, "next", max_attempts=1).run_once()  # claimable at once: no lease to wait for
    assert (_row(engine, session_id)["status"], _row(engine, session_id)["attempts"]) == ("processed", 1)


_HANGING_WORKER = textwrap.dedent("""
    import sys, time
    from recallr.engine import Engine
    from recallr.engine.pipeline import Pipeline
    from recallr.engine.worker import Worker
    from recallr.settings import Settings

    class Hang:  # stands for a session that takes the process down (the test kills it with SIGKILL)
        name = "hang"
        def prepare(self, ctx): time.sleep(3600)
        def write(self, tx, ctx): pass

    data_dir, database_url, owner = sys.argv[1:]
    settings = Settings(data_dir=data_dir, database_url=database_url or None, lease_seconds=0.6, max_attempts=1)
    engine = Engine(settings)
    worker = Worker(engine.db, settings, Pipeline([Hang()]), owner=owner)
    while not worker.run_once():
        time.sleep(0.02)
""")


def test_killed_worker_processes_do_not_use_attempts(engine: Engine, tmp_path: Path) -> None:
    """Three ``kill -9`` of the worker process mid-session (deploy restarts, OOM kills), then a healthy worker:
    the session is processed once, with one attempt used, however small ``max_attempts`` is."""
    session_id = _queued(engine)
    script = tmp_path / "hanging_worker.py"
    script.write_text(_HANGING_WORKER)
    url = engine.settings.database_url or ""
    for i in range(3):
        proc = subprocess.Popen([sys.executable, str(script), str(engine.settings.data_dir), url, f"killed-{i}"],
                                env=os.environ.copy())
        try:
            wait_for(lambda i=i: _row(engine, session_id)["lease_owner"] == f"killed-{i}", timeout=60)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        with engine.db.read() as tx:
            expires = tx.scalar("SELECT lease_expires_at FROM sessions WHERE id = ?", [session_id])
        wait_for(lambda expires=expires: now_us() > expires, timeout=5)
    live = _worker(engine, "live", max_attempts=1)
    assert live.run_once()
    row = _row(engine, session_id)
    assert (row["status"], row["attempts"], row["crashes"], row["error"]) == ("processed", 1, 3, None)
    assert _indexed(engine, session_id) == 3


class _StopsTheWorker:
    """An embedder that asks its worker to stop during its first call (a program exiting mid-session)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self.calls: list[int] = []
        self.worker: Worker | None = None

    def embed(self, texts: Any) -> Any:
        self.calls.append(len(texts))
        assert self.worker is not None and self.worker.stop(timeout=0)  # no loop threads here: returns at once
        return self.inner.embed(texts)


def test_a_stopping_worker_gives_a_long_session_back_between_embedding_chunks(engine: Engine) -> None:
    project_id, session_id = _session(engine, n_messages=EMBED_CHUNK * 2 + 10)
    engine.sessions.process(project_id, "u", session_id)
    embedder = _StopsTheWorker(engine.embedder)
    worker = _worker(engine, "exiting", Pipeline([IndexMessages(lambda: embedder)]))
    embedder.worker = worker
    assert worker.run_once()
    assert embedder.calls == [EMBED_CHUNK]  # one chunk, not the whole session
    row = _row(engine, session_id)
    assert (row["status"], row["attempts"], row["lease_owner"]) == ("processing", 0, None)
    assert _worker(engine, "next").run_once()
    assert _row(engine, session_id)["status"] == "processed"
    assert _indexed(engine, session_id) == EMBED_CHUNK * 2 + 10
