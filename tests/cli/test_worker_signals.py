"""``recallr worker`` stopped by SIGTERM (a deploy's restart) or Ctrl-C mid-session: a clean exit, the session not left
leased until its lease runs out."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from recallr.engine import Engine
from recallr.settings import Settings
from recallr.types import MessageRole

from ..conftest import shared_embedder, wait_for


def _session_row(engine: Engine, session_id: str) -> tuple[str, int, str | None]:
    with engine.db.read() as tx:
        row = tx.one("SELECT status, attempts, lease_owner FROM sessions WHERE id = ?", [session_id])
    return row["status"], row["attempts"], row["lease_owner"]


@pytest.mark.parametrize("signum", [pytest.param(signal.SIGTERM, id="sigterm"),
                                    pytest.param(signal.SIGINT, id="ctrl-c")])
def test_a_stop_signal_mid_session_exits_cleanly_and_gives_the_session_back(tmp_path: Path, signum: int) -> None:
    settings = Settings(data_dir=tmp_path / "data", lease_seconds=300)  # a lease left behind would stay for minutes
    engine = Engine(settings, embedder=shared_embedder())
    try:
        project, _ = engine.projects.create()
        engine.users.create(project.id, "u")
        session = engine.sessions.create(project.id, "u", auto_process_after_seconds=None)
        for i in range(200):
            engine.sessions.add_message(project.id, "u", session.id, role=MessageRole.USER,
                                        content=f"I live in Paris and I play tennis on Sundays, note {i}.")
        engine.sessions.process(project.id, "u", session.id)
        env = {**os.environ, "RECALLR_WORKER_POLL_SECONDS": "0.05", "RECALLR_LEASE_SECONDS": "300"}
        proc = subprocess.Popen([sys.executable, "-m", "recallr", "worker", "--data-dir", str(settings.data_dir)],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            wait_for(lambda: _session_row(engine, session.id)[2] is not None, timeout=60)
            proc.send_signal(signum)
            output, _ = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == 0, output[-2000:]
        status, attempts, owner = _session_row(engine, session.id)
        assert owner is None, output[-3000:]
        assert (status, attempts) in {("processing", 0), ("processed", 1)}, (status, attempts)
        assert engine.worker().run_once() or status == "processed"  # claimable again at once, not after 300 s
        assert _session_row(engine, session.id)[:2] == ("processed", 1)
    finally:
        engine.close()
