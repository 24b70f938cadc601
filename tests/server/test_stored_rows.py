"""Rows written before the input limits existed (inserted here straight through the store) never break a read:
listings answer, filters skip what they cannot read and still find everything else, on both backends."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from recallr.engine import Engine
from recallr.store import now_us
from recallr.store import sessions as session_store
from recallr.store import users as user_store
from recallr.store.records import to_us

from ..conftest import LiveServer

DEEP = json.loads('{"a":' * 300 + "1" + "}" * 300)
OLD_METADATA: list[Any] = [
    pytest.param({"team": "red", "score": float("nan")}, id="nan"),
    pytest.param({"team": "red", "score": float("inf"), "low": float("-inf")}, id="infinity"),
    pytest.param({"team": "red", "note": "a\x00b", "k\x00": 1}, id="nul"),
    pytest.param({"team": "red", "deep": DEEP}, id="nested-300"),
]


def _insert_user(engine: Engine, project_id: str, custom_user_id: str, metadata: dict[str, Any]) -> str:
    user_id = str(uuid.uuid4())
    with engine.db.write() as tx:
        user_store.insert_user(tx, user_id=user_id, project_id=project_id, custom_user_id=custom_user_id,
                               metadata=metadata, email=None, first_name=None, last_name=None,
                               merge_conflict_enabled=None)
    return user_id


def _insert_session(engine: Engine, user_id: str, metadata: dict[str, Any], created: datetime | None = None) -> str:
    session_id = str(uuid.uuid4())
    created_us = to_us(created) if created else now_us()
    with engine.db.write() as tx:
        session_store.insert_session(tx, session_id=session_id, user_id=user_id, metadata=metadata,
                                     auto_process_after_seconds=None, created_at_us=created_us,
                                     clock_offset_us=created_us - now_us())
    return session_id


@pytest.mark.parametrize("old", OLD_METADATA)
def test_old_metadata_never_breaks_listing_or_filtering(live_server: LiveServer, engine: Engine,
                                                        old: dict[str, Any]) -> None:
    project = live_server.project.id
    headers = {"X-Recallr-Api-Key": live_server.api_key, "X-Recallr-Project-Id": project}
    with httpx.Client(base_url=live_server.base_url, headers=headers) as http:
        # A clean user whose strings hold the tokens the PostgreSQL read path looks for: still matched exactly.
        clean = {"team": "red", "word": "NaN and Infinity", "esc": "\\u0000"}
        assert http.post("/api/v1/users", json={"custom_user_id": "clean", "metadata": clean}).status_code == 201
        old_user = _insert_user(engine, project, "old", old)
        _insert_session(engine, old_user, old)
        clean_session = http.post("/api/v1/users/old/sessions", json={"metadata": {"team": "red"}}).json()

        listed = http.get("/api/v1/users")
        assert listed.status_code == 200, listed.text
        users = {u["custom_user_id"]: u for u in listed.json()["users"]}
        assert users["clean"]["metadata"] == clean and users["old"]["metadata"]["team"] == "red"
        assert http.get("/api/v1/users/old").status_code == 200

        for wanted in ({"team": "red"}, {"word": "NaN and Infinity"}, {"esc": "\\u0000"}, {"team": "blue"}):
            found = http.get("/api/v1/users", params={"metadata_filter": json.dumps(wanted)})
            assert found.status_code == 200, found.text
            names = {u["custom_user_id"] for u in found.json()["users"]}
            assert "clean" in names or wanted == {"team": "blue"}
            assert names <= {"clean", "old"}

        sessions = http.get("/api/v1/users/old/sessions", params={"metadata_filter": '{"team": "red"}'})
        assert sessions.status_code == 200, sessions.text
        assert clean_session["session_id"] in {s["session_id"] for s in sessions.json()["sessions"]}
        assert http.get("/api/v1/users/old/sessions").json()["total"] == 2
        by_user = http.get("/api/v1/users/old/sessions", params={"user_metadata_filter": '{"team": "red"}'})
        assert by_user.status_code == 200 and by_user.json()["total"] == 2
        memories = http.get("/api/v1/users/old/memories", params={"session_metadata_filter": '{"team": "red"}'})
        assert memories.status_code == 200 and memories.json()["total"] == 0


def test_old_values_read_as_null(live_server: LiveServer, engine: Engine) -> None:
    project = live_server.project.id
    _insert_user(engine, project, "old", {"score": float("nan"), "items": [1.5, float("-inf")], "deep": DEEP})
    headers = {"X-Recallr-Api-Key": live_server.api_key, "X-Recallr-Project-Id": project}
    metadata = httpx.get(f"{live_server.base_url}/api/v1/users/old", headers=headers).json()["metadata"]
    assert metadata["score"] is None and metadata["items"] == [1.5, None]
    depth, node = 1, metadata["deep"]
    while isinstance(node, dict):
        depth, node = depth + 1, node["a"]
    assert node is None and depth < 300  # cut, not lost: the levels a response can carry are kept


@pytest.mark.parametrize("start", [
    pytest.param(datetime(1, 1, 1, tzinfo=UTC), id="year-1"),
    pytest.param(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), id="year-9999"),
])
def test_sessions_with_extreme_old_clocks_still_list(live_server: LiveServer, engine: Engine,
                                                     start: datetime) -> None:
    project = live_server.project.id
    headers = {"X-Recallr-Api-Key": live_server.api_key, "X-Recallr-Project-Id": project}
    session_id = _insert_session(engine, _insert_user(engine, project, "old", {}), {}, start)
    with httpx.Client(base_url=live_server.base_url, headers=headers) as http:
        listed = http.get("/api/v1/users/old/sessions")
        assert listed.status_code == 200 and listed.json()["sessions"][0]["created_at"][:4] == f"{start.year:04d}"
        added = http.post(f"/api/v1/users/old/sessions/{session_id}/add-message",
                          json={"message": "hello", "role": "user"})
        assert added.status_code == 200, added.text
        messages = http.get(f"/api/v1/users/old/sessions/{session_id}/messages")
        assert messages.status_code == 200 and messages.json()["total"] == 1
