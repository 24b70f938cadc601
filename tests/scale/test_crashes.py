"""SIGKILL of a ``recallr worker`` mid-session and of a ``recallr serve`` mid-write, on PostgreSQL.

* A killed worker's session stays leased until the lease runs out (``RECALLR_LEASE_SECONDS=3``), then the
  other worker processes it; nothing the dead worker computed is left behind, no session ends up with
  results from two transactions, and no acknowledged message is lost.
* A killed server loses nothing it acknowledged; the other server keeps serving the same sessions.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from recallr.engine import Engine
from recallr.settings import Settings
from recallr.store import sessions as session_store
from recallr.types import MessageRole

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

LEASE = "3"
STATEMENTS = ["I live in Paris.", "I love sushi.", "My dog is Rex.", "I work as a nurse.",
              "I'm allergic to peanuts.", "My sister Anna lives in Berlin.", "I play tennis on Sundays."]


class Api:
    """The REST API of one ``recallr serve`` (plain httpx: every 200 is an acknowledgement)."""

    def __init__(self, base_url: str, headers: dict[str, str], timeout: float = 30.0) -> None:
        self.http = httpx.Client(base_url=f"{base_url}/api/v1", headers=headers, timeout=timeout)

    def user(self, uid: str) -> None:
        self.http.post("/users", json={"custom_user_id": uid}).raise_for_status()

    def session(self, uid: str) -> str:
        response = self.http.post(f"/users/{uid}/sessions", json={"auto_process_after_seconds": None})
        response.raise_for_status()
        return str(response.json()["session_id"])

    def add(self, uid: str, sid: str, text: str, role: str = "user") -> httpx.Response:
        return self.http.post(f"/users/{uid}/sessions/{sid}/add-message", json={"message": text, "role": role})

    def process(self, uid: str, sid: str) -> None:
        self.http.post(f"/users/{uid}/sessions/{sid}/process").raise_for_status()

    def close(self) -> None:
        self.http.close()


def _lease(pg: Pg, sid: str) -> tuple[str, str | None, int | None, int]:
    row = pg.rows("SELECT status, lease_owner, lease_expires_at, attempts FROM sessions WHERE id = %s", [sid])[0]
    return row[0], row[1], row[2], row[3]


def test_killed_worker_session_is_finished_by_the_other_after_the_lease(cluster: Cluster) -> None:
    pg = Pg(cluster.database_url)
    server = cluster.serve("serve")
    workers = [cluster.worker(name, RECALLR_LEASE_SECONDS=LEASE) for name in ("worker-a", "worker-b")]
    api = Api(server.base_url, cluster.headers)
    acknowledged: dict[str, list[tuple[str, str]]] = {}
    small: list[tuple[str, str]] = []
    try:
        api.user("big")
        big = api.session("big")  # long enough to be mid-way through when its worker dies
        acknowledged[big] = []
        for i in range(300):
            text = f"{STATEMENTS[i % len(STATEMENTS)][:-1]}, note {i}."
            api.add("big", big, text).raise_for_status()
            acknowledged[big].append(("user", text))
        for u in range(30):
            api.user(f"u{u}")
            for _ in range(3):
                sid = api.session(f"u{u}")
                acknowledged[sid] = []
                for k in range(3):
                    text = STATEMENTS[(u + k) % len(STATEMENTS)]
                    api.add(f"u{u}", sid, text).raise_for_status()
                    acknowledged[sid].append(("user", text))
                small.append((f"u{u}", sid))

        with LeaseWatcher(cluster.database_url) as leases:
            api.process("big", big)
            deadline = time.monotonic() + 30
            while (owner := _lease(pg, big)[1]) is None:
                assert time.monotonic() < deadline, f"nobody claimed the big session\n{cluster.logs()}"
                time.sleep(0.005)
            victim = cluster.owner_proc(owner)
            assert victim is not None, owner
            survivor = next(w for w in workers if w is not victim)
            victim.kill9()  # in the middle of the big session
            killed_at_us = time.time_ns() // 1000

            # Right after the kill: the dead worker's session is still leased to it and has no results at all.
            status, still_owner, expires, attempts = _lease(pg, big)
            assert (status, still_owner, attempts) == ("processing", owner, 1), "the big session finished too fast"
            assert_all_or_nothing(pg)
            for uid, sid in small:  # the survivor works through these while the dead worker's lease runs out
                api.process(uid, sid)

            waited = wait_sessions(pg, processed=len(acknowledged), timeout=120, cluster=cluster)
        assert survivor.alive()
        processed_at = pg.value("SELECT processed_at FROM sessions WHERE id = %s", [big])
        assert processed_at > expires >= killed_at_us - 3_500_000, "taken over only after the lease ran out"
        # The dead worker's attempt is a crash, not a used attempt: only the survivor's counts.
        assert _lease(pg, big)[3] == 1
        assert pg.value("SELECT crashes FROM sessions WHERE id = %s", [big]) == 1
        attempts_of_others = dict(pg.rows("SELECT attempts, COUNT(*) FROM sessions WHERE id <> %s GROUP BY 1", [big]))
        assert attempts_of_others == {1: len(small)}
        assert cluster.names(leases.owners) == {"worker-a", "worker-b"}
        assert stored_messages(pg) == acknowledged
        report = assert_all_or_nothing(pg)
        assert_no_duplicate_memories(pg)
        assert report["processed"] == len(acknowledged)
        print(f"[crash] worker killed; all {len(acknowledged)} sessions processed {waited:.1f} s later")
    finally:
        api.close()


def test_killed_server_loses_nothing_it_acknowledged(cluster: Cluster) -> None:
    pg = Pg(cluster.database_url)
    servers = [cluster.serve("serve-a"), cluster.serve("serve-b")]
    cluster.worker("worker")
    apis = [Api(s.base_url, cluster.headers, timeout=10) for s in servers]
    try:
        _kill_a_server_under_writes(cluster, pg, servers, apis)
    finally:
        for api in apis:
            api.close()


def _kill_a_server_under_writes(cluster: Cluster, pg: Pg, servers: list[Any], apis: list[Api]) -> None:
    writers = 8
    sessions = []
    for w in range(writers):
        apis[0].user(f"w{w}")
        sessions.append((f"w{w}", apis[1].session(f"w{w}")))
    acked: dict[str, list[str]] = {sid: [] for _, sid in sessions}
    unacked: dict[str, list[str]] = {sid: [] for _, sid in sessions}
    acked_after_kill = [0]
    refused: list[str] = []  # answers other than 200: there must be none
    killed = threading.Event()
    stop = threading.Event()

    def writer(w: int) -> None:
        uid, sid = sessions[w]
        clients = [Api(s.base_url, cluster.headers, timeout=10) for s in servers]
        try:
            for i in range(1_000_000):
                if stop.is_set():
                    return
                text = f"{uid} message {i}"
                try:
                    response = clients[(w + i) % 2].add(uid, sid, text)
                except httpx.HTTPError:
                    unacked[sid].append(text)  # in flight when the server died, or sent to the dead one
                    continue
                if response.status_code != 200:
                    refused.append(f"{response.status_code} {response.text[:200]}")
                    continue
                acked[sid].append(text)
                if killed.is_set():
                    acked_after_kill[0] += 1
        finally:
            for client in clients:
                client.close()

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    time.sleep(2.0)
    servers[0].kill9()
    killed.set()
    time.sleep(2.0)
    stop.set()
    for thread in threads:
        thread.join(30)
    assert not refused, refused[:5]
    before = sum(map(len, acked.values()))
    assert before > 100 and acked_after_kill[0] > 20, (before, acked_after_kill[0])

    stored = stored_messages(pg)
    for sid, texts in acked.items():
        contents = [content for _, content in stored.get(sid, [])]
        missing = set(texts) - set(contents)
        assert not missing, f"{len(missing)} acknowledged messages lost in {sid}"
        assert set(contents) <= set(texts) | set(unacked[sid]), "a message nobody sent"
        assert len(contents) == len(set(contents)), "a message stored twice"
    # Everything is still usable through the surviving server: process the sessions and check the results.
    for uid, sid in sessions:
        apis[1].process(uid, sid)
    wait_sessions(pg, processed=len(sessions), timeout=120, cluster=cluster)
    report = assert_all_or_nothing(pg)
    assert_no_duplicate_memories(pg)
    committed_unacked = sum(len(set(unacked[sid]) & {c for _, c in stored[sid]}) for sid in acked)
    print(f"[crash] server killed: {before} messages acknowledged ({acked_after_kill[0]} after the kill), all "
          f"stored; {committed_unacked} unacknowledged in-flight writes were committed; {report}")


def test_expired_lease_cannot_be_taken_over_while_its_owner_writes(scale_db: str, tmp_path: Path) -> None:
    """The window the process tests can only hit by chance: worker A's lease has expired but A is already
    inside its write transaction (it checked the lease there); worker B must not claim the session until
    A's transaction ends, and then finds it processed."""
    engine = Engine(Settings(data_dir=tmp_path, database_url=scale_db, lease_seconds=0.05))
    try:
        project, _ = engine.projects.create()
        engine.users.create(project.id, "u")
        session = engine.sessions.create(project.id, "u", auto_process_after_seconds=None)
        engine.sessions.add_message(project.id, "u", session.id, role=MessageRole.USER, content="I love sushi.")
        engine.sessions.process(project.id, "u", session.id)
        a, b = engine.worker(owner="a"), engine.worker(owner="b")
        assert a.claim() is not None
        time.sleep(0.1)  # a's lease has run out
        claimed: list[Any] = []
        with engine.db.write() as tx:
            assert session_store.owns_lease(tx, session.id, "a")
            thief = threading.Thread(target=lambda: claimed.append(b.claim()))
            thief.start()
            thief.join(5)
            assert claimed == [None], "another worker took the session over in the middle of the owner's write"
            session_store.finish_session(tx, session.id, "a")
        assert engine.sessions.get(project.id, "u", session.id).status == "processed"
        assert b.claim() is None
    finally:
        engine.close()
