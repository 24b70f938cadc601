"""Lease renewal: a worker's lease stays alive while it works, whatever happens to single renewals."""

from __future__ import annotations

import logging
import time

import pytest

from recallr.bootstrap import Engine
from recallr.engine.processing.heartbeat import Heartbeat
from recallr.exceptions import ServiceUnavailableError
from recallr.store import Tx
from recallr.store import sessions as session_store
from recallr.types import MessageRole

from ..conftest import wait_for


def _claimed_session(engine: Engine, owner: str) -> str:
    project, _ = engine.projects.create()
    engine.users.create(project.id, "u")
    session = engine.sessions.create(project.id, "u", auto_process_after_seconds=None)
    engine.sessions.add_message(project.id, "u", session.id, role=MessageRole.USER, content="hello")
    engine.sessions.process(project.id, "u", session.id)
    with engine.db.write() as tx:
        assert session_store.claim_session(tx, owner=owner, lease_seconds=0.3) is not None
    return session.id


def _expires_at(engine: Engine, session_id: str) -> int:
    with engine.db.read() as tx:
        return int(tx.scalar("SELECT lease_expires_at FROM sessions WHERE id = ?", [session_id]))


def test_renews_the_holders_lease_until_the_work_ends(engine: Engine) -> None:
    session_id = _claimed_session(engine, "me")
    first = _expires_at(engine, session_id)

    def renew(tx: Tx) -> bool:
        return session_store.renew_lease(tx, session_id, "me", lease_seconds=0.3)

    with Heartbeat(engine.db, renew, lease_seconds=0.3, name=f"session {session_id}"):
        wait_for(lambda: _expires_at(engine, session_id) > first + 200_000, timeout=5)  # renewed, more than once
    ended = _expires_at(engine, session_id)
    time.sleep(0.25)
    assert _expires_at(engine, session_id) == ended  # stopped with the work
    with engine.db.write() as tx:
        assert not session_store.renew_lease(tx, session_id, "someone else", lease_seconds=60)
    assert _expires_at(engine, session_id) == ended


def test_failed_renewals_are_logged_and_retried(engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []

    def unavailable_twice(tx: Tx) -> bool:
        calls.append(1)
        if len(calls) <= 2:
            raise ServiceUnavailableError("The database is unavailable; retry shortly")
        return True

    with caplog.at_level(logging.WARNING, logger="recallr.worker"), \
            Heartbeat(engine.db, unavailable_twice, lease_seconds=0.15, name="session s"):
        wait_for(lambda: len(calls) >= 4, timeout=5)
    assert caplog.text.count("could not renew the lease on session s") == 2


def test_renewing_stops_once_the_lease_is_lost(engine: Engine) -> None:
    calls: list[int] = []

    def lost(tx: Tx) -> bool:
        calls.append(1)
        return False

    with Heartbeat(engine.db, lost, lease_seconds=0.15, name="session s"):
        wait_for(lambda: calls, timeout=5)
        time.sleep(0.3)  # six more beats' worth
    assert calls == [1]
