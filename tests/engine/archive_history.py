"""A realistic history to move between stores, and every API read of it as JSON (for round-trip tests).

``build_history(client)`` makes, through the SDK: two users (one with merge conflicts on), processed sessions
that leave memories with several versions, connections, summaries and a pending merge conflict, a backdated
session, a category, and pending sessions holding fixed questions. ``api_reads(client)`` is every read of the
API over that data: users, sessions, messages, memories with versions and connections, merge conflicts, and
``get_context`` for each fixed question under each recall strategy.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx

from recallr import RecallrAI
from recallr.models import MessageRole, SessionStatus

QUESTIONS = ("Where do I live now?", "What should I avoid eating?", "What do I do for work?")
STRATEGIES = ("low_latency", "balanced", "deep")


def _converse(user: Any, *turns: str, at: datetime | None = None, metadata: dict[str, Any] | None = None) -> Any:
    session = user.create_session(custom_created_at_utc=at, metadata=metadata)
    for n, turn in enumerate(turns):
        session.add_message(MessageRole.USER if n % 2 == 0 else MessageRole.ASSISTANT, turn)
    session.process(wait=True, timeout=60, poll_interval=0.02)
    assert session.status == SessionStatus.PROCESSED, session
    return session


def build_history(client: RecallrAI) -> None:
    client.create_category("hobbies_outdoor", "Outdoor activities the user enjoys")
    alice = client.create_user("alice", metadata={"plan": "pro"}, email="alice@example.com", first_name="Alice")
    _converse(alice, "I live in Paris and I work as a nurse.", "Nice! How long have you lived there?",
              "Five years. I'm allergic to peanuts.", at=datetime(2023, 5, 8, 13, 56, tzinfo=UTC),
              metadata={"topic": "intro"})
    _converse(alice, "I moved to Berlin last month.", "How do you like Berlin?",
              "I love it, and my sister Emma lives there too.")
    _converse(alice, "I went hiking in the Alps with Emma in June.", "Sounds great.")
    bob = client.create_user("bob", merge_conflict_enabled=True)
    _converse(bob, "I live in Paris.")
    _converse(bob, "I live in Berlin.")
    assert bob.list_merge_conflicts().total == 1
    for user in (alice, bob):
        for question in QUESTIONS:
            session = user.create_session(auto_process_after_seconds=3600, metadata={"question": question})
            session.add_message(MessageRole.USER, question)


def _without_clock(text: str) -> str:
    """The context without its "Current date and time" line (the minute of the read, not stored data)."""
    return "\n".join(line for line in text.splitlines() if not line.startswith("Current date and time:"))


def _get(http: httpx.Client, path: str, **params: Any) -> Any:
    response = http.get(path, params=params)
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


def api_reads(client: RecallrAI) -> dict[str, Any]:
    """Every API read of the client's project, as JSON."""
    http: httpx.Client = client._runner.client
    reads: dict[str, Any] = {"categories": _get(http, "/api/v1/categories"), "project": _get(http, "/api/v1/project")}
    users = _get(http, "/api/v1/users", limit=1000)
    reads["users"] = users
    for user in users["users"]:
        reads.update(user_reads(http, user["custom_user_id"]))
    return reads


def user_reads(http: httpx.Client, user_id: str) -> dict[str, Any]:
    """Every API read about one user, as JSON."""
    base = f"/api/v1/users/{user_id}"
    reads: dict[str, Any] = {base: _get(http, base), f"{base}/messages": _get(http, f"{base}/messages", limit=100)}
    sessions = _get(http, f"{base}/sessions", limit=1000)
    reads[f"{base}/sessions"] = sessions
    for session in sessions["sessions"]:
        path = f"{base}/sessions/{session['session_id']}"
        reads[path] = _get(http, path)
        reads[f"{path}/messages"] = _get(http, f"{path}/messages", limit=1000)
        if session["status"] == "pending":
            for strategy in STRATEGIES:
                context = _get(http, f"{path}/context", recall_strategy=strategy, include_metadata_ids="true")
                context["context"] = _without_clock(context["context"])
                reads[f"{path}/context?{strategy}"] = context
    memories = _get(http, f"{base}/memories", limit=200, include_previous_versions="true",
                    include_connected_memories="true")
    reads[f"{base}/memories"] = memories
    for item in memories["items"]:
        reads[f"{base}/memory/{item['memory_id']}"] = _get(http, f"{base}/memory/{item['memory_id']}")
    conflicts = _get(http, f"{base}/merge-conflicts", limit=1000)
    reads[f"{base}/merge-conflicts"] = conflicts
    for conflict in conflicts["conflicts"]:
        path = f"{base}/merge-conflicts/{conflict['id']}"
        reads[path] = _get(http, path)
    return reads
