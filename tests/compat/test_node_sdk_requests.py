"""The official Node SDK's requests, sent exactly as it sends them (see ``node_sdk.py``), against a live server.

Its headers, its bracketed arrays (``status_filter%5B%5D=...``), its JSON bodies (``{}`` on GET and DELETE
too), its reading of every status, and its handling of the context stream; for users, sessions, messages,
processing, memories with each filter, merge conflicts, context and its stream. Runs on SQLite and
PostgreSQL against this tree's code (an in-process uvicorn, not the subprocess of ``conftest.live_server``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from recallr.bootstrap import Engine

from ..conftest import LiveServer
from .node_sdk import USER_AGENT, NodeSdk, NodeSdkError

MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def server(engine: Engine) -> Iterator[LiveServer]:
    with LiveServer(engine) as live:
        yield live


@pytest.fixture
def node(server: LiveServer) -> Iterator[NodeSdk]:
    sdk = NodeSdk(server.base_url, server.api_key, server.project.id)
    yield sdk
    sdk.close()


def raises(name: str, call: Any, *args: Any, **kwargs: Any) -> NodeSdkError:
    with pytest.raises(NodeSdkError) as caught:
        call(*args, **kwargs)
    assert caught.value.name == name, caught.value
    return caught.value


def said(node: NodeSdk, user: str, *texts: str) -> str:
    """A processed session holding these user messages; its id."""
    sid = str(node.create_session(user)["session_id"])
    for text in texts:
        node.add_message(user, sid, "user", text)
    node.process(user, sid)
    deadline = time.monotonic() + 30
    while node.get_session(user, sid)["status"] != "processed":
        assert time.monotonic() < deadline, "session not processed in time"
        time.sleep(0.05)
    return sid


def test_wire_format_is_accepted(node: NodeSdk) -> None:
    node.create_user("alice")
    node.list_sessions("alice", status_filter=["pending", "processed"])
    created, listed = node.sent[-2], node.sent[-1]
    assert created.method == "POST" and created.headers["user-agent"] == USER_AGENT
    assert created.content == b'{"custom_user_id":"alice"}'
    assert listed.method == "GET" and listed.content == b"{}" and listed.headers["content-length"] == "2"
    assert listed.headers["content-type"] == "application/json"
    assert listed.url.query == (b"offset=0&limit=10&status_filter%5B%5D=pending&status_filter%5B%5D=processed")


def test_users(node: NodeSdk) -> None:
    created = node.create_user("alice", {"plan": "pro"}, merge_conflict_enabled=True)
    assert (created["custom_user_id"], created["metadata"], created["merge_conflict_enabled"]) == (
        "alice", {"plan": "pro"}, True)
    assert node.get_user("alice")["created_at"] == created["created_at"]
    node.create_user("bob")
    error = raises("UserAlreadyExistsError", node.create_user, "bob")
    assert error.status == 409
    users, total, has_more = node.list_users(metadata_filter={"plan": "pro"})
    assert ([u["custom_user_id"] for u in users], total, has_more) == (["alice"], 1, False)
    renamed = node.update_user("alice", new_metadata={"plan": "team"}, new_custom_user_id="alice2")
    assert (renamed["custom_user_id"], renamed["metadata"]) == ("alice2", {"plan": "team"})
    raises("UserAlreadyExistsError", node.update_user, "alice2", new_custom_user_id="bob")
    assert raises("UserNotFoundError", node.get_user, "alice").message == "User alice not found"
    node.delete_user("bob")
    raises("UserNotFoundError", node.delete_user, "bob")


def test_sessions_messages_and_processing(node: NodeSdk) -> None:
    node.create_user("u")
    session = node.create_session("u", metadata={"topic": "pets"})
    sid = session["session_id"]
    assert (session["status"], session["metadata"]) == ("pending", {"topic": "pets"})
    node.add_message("u", sid, "user", "I have a cat named Milo.")
    node.add_message("u", sid, "assistant", "Nice! How old is Milo?")
    messages, total = node.get_messages("u", sid)
    assert ([(m["role"], m["content"]) for m in messages], total) == (
        [("user", "I have a cat named Milo."), ("assistant", "Nice! How old is Milo?")], 2)
    assert node.update_session("u", sid, {"topic": "cats"})["metadata"] == {"topic": "cats"}
    other = said(node, "u", "I work as an architect.")
    pending = [s["session_id"] for s in node.list_sessions("u", status_filter=["pending"])[0]]
    processed = [s["session_id"] for s in node.list_sessions("u", status_filter=["processed"])[0]]
    assert (pending, processed) == ([sid], [other])
    assert node.list_sessions("u", status_filter=["pending", "processed"])[1] == 2
    raises("ValidationError", node.list_sessions, "u", status_filter=["sleeping"])
    raises("InvalidSessionStateError", node.add_message, "u", other, "user", "late")
    raises("InvalidSessionStateError", node.process, "u", other)
    assert [m["content"] for m in node.last_n_messages("u", 1)] == ["I work as an architect."]
    assert raises("SessionNotFoundError", node.get_session, "u", MISSING).message == f"Session {MISSING} not found"
    raises("UserNotFoundError", node.get_session, "ghost", sid)
    raises("UserNotFoundError", node.add_message, "ghost", sid, "user", "hi")
    node.delete_session("u", sid)
    raises("SessionNotFoundError", node.delete_session, "u", sid)


def test_memories_with_each_filter(node: NodeSdk) -> None:
    node.create_user("u")
    pets = said(node, "u", "I have a cat named Milo.")
    work = said(node, "u", "I work as an architect.")
    milo, architect = "User has a cat named Milo.", "User works as an architect."

    def contents(**filters: Any) -> set[str]:
        return {m["content"] for m in node.list_memories("u", **filters)[0]}

    assert contents() == {milo, architect}
    assert contents(categories=["pets"]) == {milo}
    assert contents(categories=["pets", "work"]) == {milo, architect}
    assert contents(session_id_filter=[work]) == {architect}
    assert contents(session_id_filter=[pets, work]) == {milo, architect}
    assert contents(categories=["work"], session_id_filter=[pets]) == set()
    error = raises("InvalidCategoriesError", node.list_memories, "u", categories=["pets", "spaceships"])
    assert (error.status, error.invalid_categories) == (400, ["spaceships"])
    raises("UserNotFoundError", node.list_memories, "ghost")
    [memory] = node.list_memories("u", categories=["pets"])[0]
    assert node.get_memory("u", memory["memory_id"])["content"] == milo
    node.delete_memory("u", memory["memory_id"])
    assert raises("RecallrAIError", node.get_memory, "u", memory["memory_id"]).status == 404
    assert contents() == {architect}


def test_merge_conflicts(node: NodeSdk) -> None:
    node.create_user("u", merge_conflict_enabled=True)
    said(node, "u", "I live in Paris.")
    said(node, "u", "I live in Berlin.")
    [conflict], total, _ = node.list_merge_conflicts("u", status="PENDING")
    assert total == 1 and node.list_merge_conflicts("u", status="RESOLVED")[1] == 0
    cid = conflict["id"]
    assert node.get_merge_conflict("u", cid)["proposed_memory_content"] == "User lives in Berlin."
    [question] = conflict["clarifying_questions"]
    ask = question["question"]
    raises("MergeConflictInvalidQuestionsError", node.resolve, "u", cid, [{"question": "Where?", "answer": "x"}])
    raises("MergeConflictMissingAnswersError", node.resolve, "u", cid, [])
    raises("MergeConflictInvalidAnswerError", node.resolve, "u", cid, [{"question": ask, "answer": "Neither"}])
    node.resolve("u", cid, [{"question": ask, "answer": question["options"][0]}])
    deadline = time.monotonic() + 30
    while node.get_merge_conflict("u", cid)["status"] != "RESOLVED":
        assert time.monotonic() < deadline, "conflict not resolved in time"
        time.sleep(0.05)
    raises("MergeConflictAlreadyResolvedError", node.resolve, "u", cid,
           [{"question": ask, "answer": question["options"][1]}])
    assert [c["id"] for c in node.list_merge_conflicts("u", status="RESOLVED")[0]] == [cid]
    assert {m["content"] for m in node.list_memories("u")[0]} == {"User lives in Berlin."}
    raises("MergeConflictNotFoundError", node.get_merge_conflict, "u", MISSING)
    raises("UserNotFoundError", node.get_merge_conflict, "ghost", cid)


def test_context_and_its_stream(node: NodeSdk) -> None:
    node.create_user("u")
    said(node, "u", "I have a cat named Milo.")
    sid = node.create_session("u")["session_id"]
    node.add_message("u", sid, "user", "What is my cat called?")
    context = node.get_context("u", sid)
    assert context["is_final"] is True and "Milo" in context["context"]
    assert context["context"].startswith(node.system_prompt("balanced"))
    events = node.get_context_stream("u", sid)
    assert all(e["is_final"] is False and e["status_update_message"] for e in events[:-1]) and len(events) > 1
    final = events[-1]
    assert final["is_final"] is True and final["error_message"] is None and "Milo" in final["context"]
    assert final["metadata"]["recall_strategy_used"] == "balanced"
    stream = node.sent[-1]
    assert stream.headers["accept"] == "text/event-stream" and b"stream=true" in stream.url.query


@pytest.mark.parametrize("missing", [pytest.param("user", id="unknown-user"),
                                     pytest.param("session", id="unknown-session")])
def test_context_of_a_missing_user_or_session(node: NodeSdk, missing: str) -> None:
    node.create_user("u")
    sid = node.create_session("u")["session_id"]
    user, session = ("ghost", sid) if missing == "user" else ("u", MISSING)
    expected = ("UserNotFoundError", f"User {user} not found") if missing == "user" else (
        "SessionNotFoundError", f"Session {session} not found")
    error = raises(expected[0], node.get_context, user, session)
    assert (error.message, error.status) == (expected[1], 404)
    # The stream answers the same 404 before it starts: the Node SDK then yields no event (it used to get a
    # 200 and an error event it would hand over as context).
    assert node.get_context_stream(user, session) == []
    response = node.http.send(node.sent[-1])
    assert (response.status_code, response.json()["detail"]) == (404, expected[1])


def test_a_wrong_base_url_reads_as_a_connection_error(server: LiveServer) -> None:
    for suffix in ("/api", "/v2"):
        wrong = NodeSdk(server.base_url + suffix, server.api_key, server.project.id)
        try:
            assert raises("ConnectionError", wrong.get_user, "alice").status == 404
            raises("ConnectionError", wrong.create_user, "alice")
            raises("ConnectionError", wrong.get_context_stream, "alice", MISSING)  # at its system-prompt call
            raises("ConnectionError", wrong.stream_lines, f"/api/v1/users/alice/sessions/{MISSING}/context",
                   {"stream": True})
        finally:
            wrong.close()
