"""Several ``recallr serve`` and ``recallr worker`` processes sharing one fresh PostgreSQL database.

* ``scale_db``: ``CREATE DATABASE recallr_scale_<random>`` on the test server (``RECALLR_TEST_POSTGRES_URL``),
  dropped ``WITH (FORCE)`` afterwards (a killed process may leave a connection behind).
* ``cluster``: ``recallr init``, ``recallr serve --no-worker`` and ``recallr worker`` subprocesses on that
  database; every process it started is stopped (or reaped, if the test killed it) at the end, and the tail
  of each one's log is attached to assertion messages through ``cluster.logs()``.
* ``official_sdk_python``: the official ``recallrai`` 0.6.6 virtualenv, built and cached by tests/compat.
* ``Pg`` and the ``assert_*`` helpers read the database directly to check what the processes did.
* Tests marked ``pg_restart`` restart the shared PostgreSQL server, which breaks anything else using it at
  that moment: ``pytest_collection_modifyitems`` moves them after every other test of the run.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from ..compat.conftest import _clean_env, official_sdk_python
from ..conftest import POSTGRES_URL, free_port

__all__ = ["official_sdk_python"]  # re-exported fixture: the SDK virtualenv shared with tests/compat

#: Every process of a cluster polls fast and auto-processes nothing on its own (sessions are queued explicitly).
BASE_ENV = {"RECALLR_WORKER_POLL_SECONDS": "0.1", "RECALLR_MIN_AUTO_PROCESS_SECONDS": "0",
            "RECALLR_EMBEDDING_THREADS": "1", "RECALLR_LOG_LEVEL": "info"}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run ``pg_restart`` tests last (stable: everything else keeps its order)."""
    restarts = [item for item in items if item.get_closest_marker("pg_restart")]
    if restarts:
        items[:] = [item for item in items if item.get_closest_marker("pg_restart") is None] + restarts


# --- PostgreSQL ---------------------------------------------------------------------------------

def _server_address() -> tuple[str, str]:
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(POSTGRES_URL)
    return str(info.get("host") or "127.0.0.1"), str(info.get("port") or "5432")


def postgres_ready() -> bool:
    """``pg_isready`` (or a plain connection when the client tools are missing) answers yes."""
    host, port = _server_address()
    tool = shutil.which("pg_isready")
    if tool is not None:
        done = subprocess.run([tool, "-q", "-h", host, "-p", port, "-t", "2"], check=False, timeout=10)
        if done.returncode != 0:
            return False
    import psycopg

    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=2).close()
    except psycopg.Error:
        return False
    return True


def wait_postgres(timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if postgres_ready():
            return True
        time.sleep(0.25)
    return False


class Pg:
    """Direct SQL on one database (its own short-lived connection per call)."""

    def __init__(self, url: str) -> None:
        self.url = url

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    def statuses(self) -> Counter[str]:
        return Counter({status: n for status, n in self.rows("SELECT status, COUNT(*) FROM sessions GROUP BY status")})


@pytest.fixture
def scale_db() -> Iterator[str]:
    """A new, empty database on the test server; its URL. Dropped afterwards."""
    import psycopg

    if not postgres_ready():
        if os.environ.get("RECALLR_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but not reachable at {POSTGRES_URL}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}")
    name = f"recallr_scale_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))
    finally:
        wait_postgres()  # a pg_restart test may have left the server restarting
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# --- processes ----------------------------------------------------------------------------------

class Proc:
    """One ``recallr`` subprocess with its log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path, base_url: str | None = None):
        self.name, self.log, self.base_url = name, log, base_url
        with log.open("ab") as out:
            self.popen = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill9(self) -> None:
        """SIGKILL: no cleanup at all, as if the machine lost the process."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> None:
        if self.alive():
            self.popen.terminate()
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(10)

    def tail(self, lines: int = 25) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()[-lines:]
        except OSError:
            text = ["(no log)"]
        return f"--- {self.name} (pid {self.pid}, exit {self.popen.poll()}) ---\n" + "\n".join(text)


class Cluster:
    """``recallr`` processes on one database: ``init`` once, then any number of ``serve`` and ``worker``."""

    def __init__(self, database_url: str, workdir: Path) -> None:
        self.database_url = database_url
        self.workdir = workdir
        self.procs: list[Proc] = []
        self.project_id = ""
        self.api_key = ""

    def env(self, **extra: str) -> dict[str, str]:
        return _clean_env(**{**BASE_ENV, **extra})

    def init(self) -> tuple[str, str]:
        done = subprocess.run([sys.executable, "-m", "recallr", "init", "--database-url", self.database_url, "--json"],
                              capture_output=True, text=True, timeout=120, env=self.env(), check=False)
        assert done.returncode == 0, f"recallr init failed:\n{done.stdout}\n{done.stderr}"
        created = json.loads(done.stdout.strip().splitlines()[-1])
        self.project_id, self.api_key = created["project_id"], created["api_key"]
        return self.project_id, self.api_key

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Recallr-Api-Key": self.api_key, "X-Recallr-Project-Id": self.project_id}

    def serve(self, name: str, *, port: int | None = None, wait: bool = True, **env: str) -> Proc:
        """``recallr serve --no-worker`` on a free loopback port (``proc.base_url``)."""
        port = port or free_port()
        args = [sys.executable, "-m", "recallr", "serve", "--database-url", self.database_url, "--host", "127.0.0.1",
                "--port", str(port), "--no-worker"]
        proc = Proc(name, args, self.env(**{"RECALLR_LOG_LEVEL": "warning", **env}),
                    self.workdir / f"{name}.log", f"http://127.0.0.1:{port}")
        self.procs.append(proc)
        if wait:
            self.wait_healthy(proc)
        return proc

    def worker(self, name: str, *, wait: bool = True, **env: str) -> Proc:
        args = [sys.executable, "-m", "recallr", "worker", "--database-url", self.database_url]
        proc = Proc(name, args, self.env(**env), self.workdir / f"{name}.log")
        self.procs.append(proc)
        if wait:
            self._wait(lambda: "started" in proc.log.read_text(errors="replace"), proc, "did not start")
        return proc

    def wait_healthy(self, proc: Proc, timeout: float = 60.0) -> None:
        def healthy() -> bool:
            try:
                return httpx.get(f"{proc.base_url}/api/v1/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        self._wait(healthy, proc, "did not answer /api/v1/health", timeout)

    def _wait(self, ready: Any, proc: Proc, what: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not ready():
            if not proc.alive() or time.monotonic() > deadline:
                pytest.fail(f"{proc.name} {what}\n{self.logs()}", pytrace=False)
            time.sleep(0.1)

    def owner_proc(self, lease_owner: str) -> Proc | None:
        """The worker process holding a lease (``host:pid:random``)."""
        parts = lease_owner.split(":")
        pid = int(parts[-2]) if len(parts) >= 3 and parts[-2].isdigit() else -1
        return next((p for p in self.procs if p.pid == pid), None)

    def names(self, lease_owners: set[str]) -> set[str]:
        """The names of the processes behind some lease owners."""
        return {proc.name for proc in map(self.owner_proc, lease_owners) if proc is not None}

    def logs(self) -> str:
        return "\n".join(p.tail() for p in self.procs)

    def close(self) -> None:
        for proc in self.procs:
            proc.stop()


@pytest.fixture
def cluster(scale_db: str, tmp_path: Path) -> Iterator[Cluster]:
    """An initialised project on ``scale_db``; start processes with ``cluster.serve`` / ``cluster.worker``."""
    group = Cluster(scale_db, tmp_path)
    group.init()
    try:
        yield group
    finally:
        group.close()


# --- waiting and checking -----------------------------------------------------------------------

class LeaseWatcher:
    """Samples, in a background thread, which workers hold session leases (``with LeaseWatcher(url) as w``)."""

    def __init__(self, url: str, interval: float = 0.05) -> None:
        self.url, self.interval = url, interval
        self.owners: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            with contextlib.suppress(psycopg.Error), psycopg.connect(self.url, autocommit=True) as conn:
                while not self._stop.wait(self.interval):
                    self.owners |= {owner for (owner,) in conn.execute(
                        "SELECT DISTINCT lease_owner FROM sessions WHERE lease_owner IS NOT NULL").fetchall()}
            self._stop.wait(self.interval)

    def __enter__(self) -> LeaseWatcher:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(10)


def wait_sessions(pg: Pg, *, processed: int, timeout: float, cluster: Cluster | None = None) -> float:
    """Wait until ``processed`` sessions are processed (failing at once if any failed); seconds waited."""
    start = time.monotonic()
    while True:
        counts = pg.statuses()
        if counts["failed"]:
            errors = pg.rows("SELECT id, attempts, error FROM sessions WHERE status = 'failed' LIMIT 5")
            pytest.fail(f"{counts['failed']} sessions failed: {errors}\n{cluster.logs() if cluster else ''}",
                        pytrace=False)
        if counts["processed"] >= processed:
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            pytest.fail(f"only {dict(counts)} after {timeout:.0f} s (wanted {processed} processed)\n"
                        f"{cluster.logs() if cluster else ''}", pytrace=False)
        time.sleep(0.25)


def stored_messages(pg: Pg) -> dict[str, list[tuple[str, str]]]:
    """Every session's messages as (role, content), in position order; positions must be 0..n-1."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for session_id, position, role, content in pg.rows(
            "SELECT session_id, position, role, content FROM messages ORDER BY session_id, position"):
        assert position == len(out[session_id]), f"session {session_id}: position {position} out of sequence"
        out[session_id].append((role, content))
    return dict(out)


_RESULTS_SQL = """
SELECT sid, xid FROM (
    SELECT session_id AS sid, xmin::text AS xid FROM messages WHERE indexed
    UNION ALL SELECT m.session_id, v.xmin::text FROM message_vectors v JOIN messages m ON m.id = v.message_id
    UNION ALL SELECT session_id, xmin::text FROM memories WHERE expired_at IS NULL
    UNION ALL SELECT session_id, xmin::text FROM memory_sources
    UNION ALL SELECT session_id, xmin::text FROM session_summaries
) results
"""


def assert_all_or_nothing(pg: Pg) -> dict[str, Any]:
    """Each session's results come from exactly one transaction, the one that marked it processed; a session
    that is not processed has no results at all. Returns counts for the report.

    A session's results are its indexed messages and their vectors, the memories it created (still current:
    nothing here expires them), the provenance rows pointing at it and its summary; ``xmin`` is the id of the
    transaction that wrote each row.
    """
    sessions = {sid: (status, xid, count) for sid, status, xid, count in
                pg.rows("SELECT id, status, xmin::text, message_count FROM sessions")}
    writers: dict[str, set[str]] = defaultdict(set)
    for sid, xid in pg.rows(_RESULTS_SQL):
        writers[sid].add(xid)
    unprocessed_with_results = [sid for sid, (status, _, _) in sessions.items()
                                if status != "processed" and writers.get(sid)]
    assert not unprocessed_with_results, f"partial results for unprocessed sessions: {unprocessed_with_results[:5]}"
    for sid, (status, xid, _) in sessions.items():
        if status == "processed":
            assert writers.get(sid) == {xid}, (f"session {sid}: results written by transactions {writers.get(sid)}, "
                                               f"processed by {xid}")
    indexed = dict(pg.rows("SELECT session_id, COUNT(*) FROM messages m JOIN message_vectors v ON v.message_id = m.id "
                           "GROUP BY session_id"))
    incomplete = [sid for sid, (status, _, count) in sessions.items()
                  if status == "processed" and indexed.get(sid, 0) != count]
    assert not incomplete, f"processed sessions with messages not indexed: {incomplete[:5]}"
    summaries = {sid for (sid,) in pg.rows("SELECT session_id FROM session_summaries")}
    missing = [sid for sid, (status, _, _) in sessions.items() if status == "processed" and sid not in summaries]
    assert not missing, f"processed sessions without a summary: {missing[:5]}"
    return {"sessions": len(sessions), "processed": sum(s == "processed" for s, _, _ in sessions.values()),
            "memories": pg.value("SELECT COUNT(*) FROM memories")}


def assert_no_duplicate_memories(pg: Pg) -> None:
    """Per user, no two current memories say the same thing (a session processed twice would repeat them)."""
    duplicates = pg.rows("SELECT user_id, content, COUNT(*) FROM memories WHERE expired_at IS NULL "
                         "GROUP BY user_id, content HAVING COUNT(*) > 1 LIMIT 5")
    assert not duplicates, f"duplicate current memories: {duplicates}"
