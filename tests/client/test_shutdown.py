"""The embedded client's lifecycle: a clean exit while its worker is busy, and ``close()``."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from recallr import RecallrAI
from recallr.types import SessionStatus

from ..conftest import shared_embedder, wait_for

RUNS = 20
PARALLEL = 3

# Each child queues a session, waits until the worker has claimed it (the model is loaded first, so the worker is
# embedding at once), then ends without closing the client, as a script does when it reaches its end. The host
# program must exit with 0 (before the fix, onnxruntime threads still running at interpreter teardown aborted it
# with SIGABRT, "terminate called without an active exception", in about a third of the runs) and leave no lease
# behind. The children are forked from one process that has imported everything once (no thread exists yet):
# twenty cold starts would cost most of the test's time in imports; each child still exits as a program does.
_BUSY_AT_EXIT = textwrap.dedent("""
    import json, os, sqlite3, sys, time
    from pathlib import Path
    import recallr.client.embedded
    import recallr.embedding.minilm
    from recallr import RecallrAI

    def busy_at_exit(data):
        client = RecallrAI.embedded(data, worker_poll_seconds=0.01)
        user = client.create_user("u")
        warm = user.create_session()
        warm.add_message(role="user", content="warm up")
        warm.get_context()
        session = user.create_session()
        for i in range(20):
            session.add_message(role="user", content=f"I live in Paris and I love sushi, note {i}.")
        session.process()
        db = sqlite3.connect(data / "recallr.db")
        deadline = time.monotonic() + 60
        while db.execute("SELECT lease_owner IS NULL AND status = 'processing' FROM sessions WHERE id = ?",
                         [session.session_id]).fetchone()[0]:
            assert time.monotonic() < deadline, "the worker never claimed the session"
            time.sleep(0.001)
        db.close()
        (data / "session_id").write_text(session.session_id)

    root, runs, parallel = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    codes, running = {}, {}
    for i in range(runs):
        while len(running) >= parallel:
            pid, status = os.wait()
            codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)
        pid = os.fork()
        if pid == 0:
            busy_at_exit(root / f"run{i}")
            sys.exit(0)  # atexit hooks, then interpreter teardown, as at the end of any script
        running[pid] = i
    while running:
        pid, status = os.wait()
        codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)
    print(json.dumps(codes))
""")


def _sessions(data_dir: Path) -> dict[str, tuple[str, int, str | None]]:
    with sqlite3.connect(data_dir / "recallr.db") as db:
        rows = db.execute("SELECT id, status, attempts, lease_owner FROM sessions").fetchall()
    return {sid: (status, attempts, owner) for sid, status, attempts, owner in rows}


def test_exit_while_the_worker_is_busy_is_clean_and_the_next_open_processes_the_session_once(tmp_path: Path) -> None:
    script = tmp_path / "busy_at_exit.py"
    script.write_text(_BUSY_AT_EXIT)
    done = subprocess.run([sys.executable, str(script), str(tmp_path), str(RUNS), str(PARALLEL)], capture_output=True,
                          text=True, timeout=600, env=os.environ.copy(), check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    codes = {int(run): code for run, code in json.loads(done.stdout.strip().splitlines()[-1]).items()}
    assert codes == dict.fromkeys(range(RUNS), 0), f"exit codes {codes}\n{done.stderr[-2000:]}"
    assert "terminate called" not in done.stderr
    dirs = [tmp_path / f"run{i}" for i in range(RUNS)]
    session_ids = [(d / "session_id").read_text() for d in dirs]
    for data_dir, session_id in zip(dirs, session_ids, strict=True):
        status, attempts, owner = _sessions(data_dir)[session_id]
        assert owner is None, "the session is still leased to a process that has exited"
        # Finished before the exit, or given back: queued again at once and no attempt used.
        assert (status, attempts) in {("processed", 1), ("processing", 0)}, (status, attempts)
    for data_dir, session_id in list(zip(dirs, session_ids, strict=True))[:3]:
        with RecallrAI.embedded(data_dir, worker_poll_seconds=0.05) as client:
            client._embedded.engine._embedder = shared_embedder()
            session = client.get_user("u").get_session(session_id)

            def processed(session: Any = session) -> bool:
                session.refresh()
                return bool(session.status == SessionStatus.PROCESSED)

            wait_for(processed)
        status, attempts, _ = _sessions(data_dir)[session_id]
        assert (status, attempts) == ("processed", 1)
        with sqlite3.connect(data_dir / "recallr.db") as db:
            duplicates = db.execute("SELECT content, COUNT(*) FROM memories WHERE expired_at IS NULL "
                                    "GROUP BY content HAVING COUNT(*) > 1").fetchall()
        assert not duplicates


def test_close_stops_the_worker_and_can_be_repeated(tmp_path: Path) -> None:
    client = RecallrAI.embedded(tmp_path / "data", worker_poll_seconds=0.05)
    client._embedded.engine._embedder = shared_embedder()
    user = client.create_user("u")
    session = user.create_session()
    session.add_message(role="user", content="I live in Paris.")
    session.process()
    worker = client._embedded.worker
    client.close()
    client.close()
    assert worker is not None and worker.stopping
    status, _, owner = next(iter(_sessions(tmp_path / "data").values()))
    assert owner is None and status in {"processed", "processing"}
