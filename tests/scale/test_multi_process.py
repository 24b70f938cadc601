"""Two ``recallr serve`` and two ``recallr worker`` processes on one PostgreSQL database, driven by the
official SDK: every session is processed exactly once and every acknowledged message is stored.

The size defaults to the issue's 200 users x 5 sessions (3 messages each: 3,000 messages, 1,000 sessions);
``RECALLR_SCALE_USERS`` / ``RECALLR_SCALE_SESSIONS`` change it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from ..compat.conftest import _clean_env
from .conftest import (
    Cluster,
    LeaseWatcher,
    Pg,
    assert_all_or_nothing,
    assert_no_duplicate_memories,
    stored_messages,
    wait_sessions,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

USERS = int(os.environ.get("RECALLR_SCALE_USERS", "200"))
SESSIONS = int(os.environ.get("RECALLR_SCALE_SESSIONS", "5"))
MESSAGES = 3
DRIVER = Path(__file__).with_name("sdk_scale_driver.py")


def test_two_servers_two_workers_process_each_session_exactly_once(
        cluster: Cluster, official_sdk_python: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pg = Pg(cluster.database_url)
    servers = [cluster.serve("serve-a"), cluster.serve("serve-b")]
    cluster.worker("worker-a")
    cluster.worker("worker-b")
    config = {"base_urls": [s.base_url for s in servers], "project_id": cluster.project_id,
              "api_key": cluster.api_key, "users": USERS, "sessions": SESSIONS, "messages": MESSAGES,
              "prefix": "scale", "concurrency": 16}
    (tmp_path / "config.json").write_text(json.dumps(config))
    start = time.monotonic()
    with LeaseWatcher(cluster.database_url) as leases:  # which workers take part
        done = subprocess.run([str(official_sdk_python), str(DRIVER), str(tmp_path / "config.json"),
                               str(tmp_path / "result.json")], capture_output=True, text=True, timeout=300,
                              env=_clean_env(), check=False)
        driven = time.monotonic() - start
        assert done.returncode == 0, f"driver failed:\n{done.stdout}\n{done.stderr[-4000:]}\n{cluster.logs()}"
        result = json.loads((tmp_path / "result.json").read_text())
        assert not result["errors"], result["errors"][:3]
        acknowledged = result["sessions"]
        assert len(acknowledged) == USERS * SESSIONS
        wait_sessions(pg, processed=len(acknowledged), timeout=300, cluster=cluster)
    total = time.monotonic() - start

    stored = stored_messages(pg)
    assert set(stored) == set(acknowledged)
    for session_id, info in acknowledged.items():
        assert stored[session_id] == [tuple(m) for m in info["messages"]], session_id
    attempts = dict(pg.rows("SELECT attempts, COUNT(*) FROM sessions GROUP BY attempts"))
    assert attempts == {1: len(acknowledged)}, f"sessions by attempts: {attempts}"
    report = assert_all_or_nothing(pg)
    assert_no_duplicate_memories(pg)
    sourced = pg.value("SELECT COUNT(DISTINCT session_id) FROM memory_sources")
    assert sourced == len(acknowledged), "every session's statements became (or joined) memories"
    assert cluster.names(leases.owners) == {"worker-a", "worker-b"}
    messages = USERS * SESSIONS * MESSAGES
    with capsys.disabled():
        print(f"\n[scale] {USERS} users x {SESSIONS} sessions x {MESSAGES} messages: {result['requests']} SDK "
              f"requests in {result['seconds']:.1f} s ({result['requests'] / result['seconds']:.0f}/s); all "
              f"{len(acknowledged)} sessions processed {total:.1f} s after the start ({messages / total:.0f} "
              f"messages/s end to end, driver {driven:.1f} s); {report['memories']} memories")
