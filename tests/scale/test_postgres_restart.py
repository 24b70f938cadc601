"""PostgreSQL restarts under load: requests fail with a clear 503, and the service recovers by itself.

This restarts the *shared* PostgreSQL server (``pg_ctlcluster --skip-systemctl-redirect <major> main restart``,
as root; ``RECALLR_TEST_PG_RESTART`` overrides the shell command, e.g. ``docker restart recallr-postgres``), so
it is marked ``pg_restart`` and tests/scale/conftest.py runs it after every other test. It always waits for
the server to accept connections again before it ends, pass or fail.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest

from ..conftest import POSTGRES_URL
from .conftest import Cluster, Pg, assert_all_or_nothing, stored_messages, wait_postgres, wait_sessions

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.pg_restart]


def restart_command() -> list[str]:
    override = os.environ.get("RECALLR_TEST_PG_RESTART")
    if override:
        return ["sh", "-c", override]
    tool = shutil.which("pg_ctlcluster")
    problem = ("pg_ctlcluster not found" if tool is None else
               "restarting the cluster needs root" if os.geteuid() != 0 else None)
    if problem:
        message = f"cannot restart PostgreSQL ({problem}); set RECALLR_TEST_PG_RESTART to a command that does"
        if os.environ.get("RECALLR_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    major = int(Pg(POSTGRES_URL).value("SHOW server_version_num")) // 10000
    return [str(tool), "--skip-systemctl-redirect", str(major), "main", "restart"]


@dataclass
class Outcome:
    start: float  # time.monotonic() when the request was sent
    at: float  # ... and when its response arrived
    op: str
    status: int  # 0: no HTTP response at all
    code: str | None
    retry_after: str | None
    text: str


def test_requests_fail_with_503_during_a_restart_and_the_service_recovers(cluster: Cluster) -> None:
    command = restart_command()
    pg = Pg(cluster.database_url)
    servers = [cluster.serve("serve-a"), cluster.serve("serve-b")]
    cluster.worker("worker", RECALLR_LEASE_SECONDS="3")
    users = 6
    with httpx.Client(base_url=f"{servers[0].base_url}/api/v1", headers=cluster.headers, timeout=30) as http:
        sessions = []
        for u in range(users):
            http.post("/users", json={"custom_user_id": f"u{u}"}).raise_for_status()
            sid = http.post(f"/users/u{u}/sessions", json={}).json()["session_id"]
            sessions.append((f"u{u}", sid))
        # Sessions the worker is busy with when the database goes away.
        queued = []
        for q in range(12):
            uid = f"u{q % users}"
            sid = http.post(f"/users/{uid}/sessions", json={}).json()["session_id"]
            for i in range(20):
                http.post(f"/users/{uid}/sessions/{sid}/add-message",
                          json={"message": f"I went hiking with Bob near lake {q}-{i}.", "role": "user"})
            queued.append((uid, sid))

    outcomes: list[Outcome] = []
    acked: dict[str, set[str]] = {sid: set() for _, sid in sessions}
    attempted: dict[str, set[str]] = {sid: set() for _, sid in sessions}
    stop = threading.Event()

    def client(n: int) -> None:
        uid, sid = sessions[n]
        with httpx.Client(headers=cluster.headers, timeout=30) as http:
            i = 0
            while not stop.is_set():
                base = f"{servers[(n + i) % 2].base_url}/api/v1/users/{uid}"
                kind = ("context" if i % 5 == 3 else "sessions" if i % 5 == 4 else "add")
                text = f"{uid} says {i}"
                start = time.monotonic()
                try:
                    if kind == "add":
                        attempted[sid].add(text)
                        response = http.post(f"{base}/sessions/{sid}/add-message", json={"message": text,
                                                                                          "role": "user"})
                    elif kind == "context":
                        response = http.get(f"{base}/sessions/{sid}/context")
                    else:
                        response = http.get(f"{base}/sessions", params={"limit": 5})
                except httpx.HTTPError as error:
                    outcomes.append(Outcome(start, time.monotonic(), kind, 0, None, None, repr(error)))
                else:
                    code = None
                    if response.status_code != 200:
                        try:
                            code = response.json().get("code")
                        except ValueError:
                            code = None
                    elif kind == "add":
                        acked[sid].add(text)
                    outcomes.append(Outcome(start, time.monotonic(), kind, response.status_code, code,
                                            response.headers.get("Retry-After"), response.text[:300]))
                i += 1
                time.sleep(0.01)

    def burst(server: int, n: int = 40) -> list[int]:
        """``n`` requests at once: the server's thread pool grows to serve them, each thread with its own
        database connection, so after the restart every one of those connections is a stale one."""
        with httpx.Client(base_url=f"{servers[server].base_url}/api/v1", headers=cluster.headers, timeout=30,
                          limits=httpx.Limits(max_connections=n)) as http, ThreadPoolExecutor(n) as pool:
            return list(pool.map(lambda i: http.get(f"/users/u{i % users}/sessions").status_code, range(n)))

    for server in (0, 1):
        assert set(burst(server)) == {200}
    threads = [threading.Thread(target=client, args=(n,)) for n in range(users)]
    began = restarted = ready = 0.0
    try:
        for thread in threads:
            thread.start()
        with httpx.Client(base_url=f"{servers[1].base_url}/api/v1", headers=cluster.headers, timeout=30) as http:
            for uid, sid in queued:
                http.post(f"/users/{uid}/sessions/{sid}/process").raise_for_status()
        time.sleep(1.5)
        began = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        restarted = time.monotonic()
        assert done.returncode == 0, f"{shlex.join(command)} failed:\n{done.stdout}\n{done.stderr}"
        assert wait_postgres(), "PostgreSQL did not come back"
        ready = time.monotonic()
        bursts = burst(0) + burst(1)  # the stale connections of both servers, all at once
        time.sleep(3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
        wait_postgres()  # never leave the shared server down for the next test

    assert set(bursts) == {200}, f"right after the restart: {Counter(bursts)}"
    failures = [o for o in outcomes if o.status != 200]
    during = [o for o in failures if o.start >= began]
    assert during, "no request failed: the restart was not observed"
    unclear = [o for o in failures if o.status != 503 or o.code != "service_unavailable" or o.retry_after is None]
    assert not unclear, f"{len(unclear)} failures were not a 503 service_unavailable, e.g. {unclear[:3]}"
    late = [o for o in failures if o.start >= ready]
    assert not late, f"{len(late)} requests sent once PostgreSQL was back failed, e.g. {late[:3]}"
    after = [o for o in outcomes if o.start >= ready]
    assert len(after) > 50

    # Nothing acknowledged was lost; what failed was not half-written.
    stored = stored_messages(pg)
    for sid, texts in acked.items():
        contents = {content for _, content in stored[sid]}
        assert texts <= contents, f"{len(texts - contents)} acknowledged messages lost"
        assert contents <= attempted[sid], "a message nobody sent"
    # The worker recovers too: sessions caught mid-processing and new ones are processed exactly once.
    with httpx.Client(base_url=f"{servers[0].base_url}/api/v1", headers=cluster.headers, timeout=30) as http:
        for uid, sid in sessions:
            http.post(f"/users/{uid}/sessions/{sid}/process").raise_for_status()
    wait_sessions(pg, processed=len(sessions) + len(queued), timeout=120, cluster=cluster)
    assert_all_or_nothing(pg)
    ops = {o.op for o in during}
    print(f"[restart] PostgreSQL restart took {restarted - began:.1f} s, ready {ready - began:.1f} s after it "
          f"began; {len(failures)} of {len(outcomes)} requests failed, all 503 service_unavailable "
          f"({sorted(ops)}); none of the {len(after) + len(bursts)} sent once it was back")
