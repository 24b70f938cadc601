"""``/mcp`` on a live server (uvicorn on loopback), driven by the ``mcp`` package's streamable HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import httpx2
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from recallr.engine import Engine

from ..conftest import LiveServer
from .conftest import PEANUTS, data_of, exercise_errors, exercise_resources, exercise_tools, text_of

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}}
MCP_ACCEPT = {"Accept": "application/json, text/event-stream"}


@asynccontextmanager
async def mcp_session(url: str, headers: dict[str, str]) -> AsyncIterator[Any]:
    async with httpx2.AsyncClient(headers=headers, timeout=60) as http, \
            streamable_http_client(url, http_client=http) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def key_headers(server: LiveServer) -> dict[str, str]:
    return {"X-Recallr-Api-Key": server.api_key, "X-Recallr-Project-Id": server.project.id}


async def test_tools_over_http(live_server: LiveServer) -> None:
    async with mcp_session(f"{live_server.base_url}/mcp", key_headers(live_server)) as session:
        await exercise_tools(session)
        await exercise_resources(session, "default", static_memories=False)


async def test_errors_over_http(live_server: LiveServer) -> None:
    async with mcp_session(f"{live_server.base_url}/mcp", key_headers(live_server)) as session:
        await exercise_errors(session)


async def test_bearer_key_and_user_header(live_server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {live_server.api_key}", "X-Recallr-Project-Id": live_server.project.id,
               "X-Recallr-User-Id": "alice"}
    async with mcp_session(f"{live_server.base_url}/mcp", headers) as session:
        added = data_of(await session.call_tool("add_memory", {"text": PEANUTS}))
        assert added["user_id"] == "alice" and added["memories"]
        found = data_of(await session.call_tool("search_memory", {"query": "what should I avoid eating?"}))
        assert "peanut" in found["context"].lower()
    # The memories are the REST API's: the same user, the same ids.
    async with httpx.AsyncClient(base_url=live_server.base_url, headers=key_headers(live_server)) as api:
        listed = (await api.get("/api/v1/users/alice/memories")).json()
        assert {m["memory_id"] for m in listed["items"]} == {m["memory_id"] for m in added["memories"]}
        sessions = (await api.get("/api/v1/users/alice/sessions")).json()
        assert sessions["total"] == 1  # the search's own session is gone


def refusals(server: LiveServer) -> list[Any]:
    other_engine_key = "rai_" + "x" * 43
    return [
        pytest.param({}, id="no key"),
        pytest.param({"X-Recallr-Project-Id": server.project.id}, id="project only"),
        pytest.param({"X-Recallr-Api-Key": server.api_key}, id="key only"),
        pytest.param({"X-Recallr-Api-Key": other_engine_key, "X-Recallr-Project-Id": server.project.id},
                     id="wrong key"),
        pytest.param({"Authorization": f"Basic {server.api_key}", "X-Recallr-Project-Id": server.project.id},
                     id="not bearer"),
        pytest.param({"Authorization": "Bearer", "X-Recallr-Project-Id": server.project.id}, id="empty bearer"),
        pytest.param({"Authorization": "Bearer not-a-key", "X-Recallr-Project-Id": server.project.id},
                     id="bearer not a key"),
    ]


async def test_refused_without_a_key(live_server: LiveServer) -> None:
    url = f"{live_server.base_url}/mcp"
    async with httpx.AsyncClient() as http:
        api_refusal = (await http.get(f"{live_server.base_url}/api/v1/users")).json()
        assert api_refusal["detail"] == "Invalid API key or project ID"
        for case in refusals(live_server):
            headers = case.values[0]
            response = await http.post(url, json=INITIALIZE, headers={**MCP_ACCEPT, **headers})
            assert response.status_code == 401, case.id
            assert response.json() == api_refusal, case.id  # exactly the REST API's refusal
            assert live_server.api_key not in response.text
        # The key check comes before the body is read: a refused body may be anything.
        response = await http.post(url, content=b"\xff" * 1000, headers=MCP_ACCEPT)
        assert response.status_code == 401
    with pytest.raises(Exception) as refused:  # the mcp client fails to initialise, it does not hang
        async with mcp_session(url, {"X-Recallr-Project-Id": live_server.project.id}):
            pass
    assert any(isinstance(error, MCPError) for error in leaves(refused.value))


def leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in leaves(inner)]
    return [error]


async def test_revoked_key_is_refused_at_the_next_call(live_server: LiveServer) -> None:
    engine: Engine = live_server.engine
    key = engine.projects.create_key(live_server.project.id, name="mcp")
    headers = {"X-Recallr-Api-Key": key.api_key, "X-Recallr-Project-Id": live_server.project.id}
    async with httpx.AsyncClient() as http:
        ok = await http.post(f"{live_server.base_url}/mcp", json=INITIALIZE, headers={**MCP_ACCEPT, **headers})
        assert ok.status_code == 200 and ok.json()["result"]["serverInfo"]["name"] == "recallr"
        engine.projects.revoke_key(live_server.project.id, key.key_id)
        refused = await http.post(f"{live_server.base_url}/mcp", json=INITIALIZE, headers={**MCP_ACCEPT, **headers})
        assert refused.status_code == 401


async def test_projects_do_not_see_each_other(live_server: LiveServer) -> None:
    engine: Engine = live_server.engine
    other, other_key = engine.projects.create("other")
    async with mcp_session(f"{live_server.base_url}/mcp", key_headers(live_server)) as session:
        data_of(await session.call_tool("add_memory", {"text": PEANUTS, "user_id": "alice"}))
    headers = {"X-Recallr-Api-Key": other_key.api_key, "X-Recallr-Project-Id": other.id}
    async with mcp_session(f"{live_server.base_url}/mcp", headers) as session:
        theirs = data_of(await session.call_tool("list_memories", {"user_id": "alice"}))
        assert theirs["memories"] == []
        found = data_of(await session.call_tool("search_memory", {"query": "what should I avoid eating?",
                                                                  "user_id": "alice"}))
        assert "peanut" not in found["context"].lower()


async def test_merge_conflicts_listed_and_resolved(live_server: LiveServer) -> None:
    live_server.engine.projects.set_merge_conflicts(live_server.project.id, True)
    async with mcp_session(f"{live_server.base_url}/mcp", key_headers(live_server)) as session:
        data_of(await session.call_tool("add_memory", {"text": "I live in Paris."}))
        moved = data_of(await session.call_tool("add_memory", {"text": "I live in Berlin."}))
        assert len(moved["merge_conflict_ids"]) == 1

        listed = data_of(await session.call_tool("list_merge_conflicts", {}))
        [conflict] = listed["conflicts"]
        assert conflict["conflict_id"] == moved["merge_conflict_ids"][0] and conflict["status"] == "PENDING"
        assert "Paris" in conflict["conflicting_memories"][0]["content"]
        question = conflict["clarifying_questions"][0]

        wrong = await session.call_tool("resolve_merge_conflict", {
            "conflict_id": conflict["conflict_id"],
            "answers": [{"question": question["question"], "answer": "none of these"}]})
        assert wrong.is_error and text_of(wrong)

        answers = [{"question": q["question"], "answer": q["options"][0]} for q in conflict["clarifying_questions"]]
        resolved = data_of(await session.call_tool("resolve_merge_conflict", {
            "conflict_id": conflict["conflict_id"], "answers": answers}))
        assert resolved["status"] == "RESOLVED" and resolved["resolved_at"]
        assert data_of(await session.call_tool("list_merge_conflicts", {}))["total"] == 0
        assert data_of(await session.call_tool("list_merge_conflicts", {"status": "RESOLVED"}))["total"] == 1

        again = await session.call_tool("resolve_merge_conflict", {
            "conflict_id": conflict["conflict_id"], "answers": answers})
        assert again.is_error and "already resolved" in text_of(again)


async def test_odd_requests_get_4xx_not_500(live_server: LiveServer) -> None:
    url = f"{live_server.base_url}/mcp"
    headers = key_headers(live_server)
    async with httpx.AsyncClient(headers=headers) as http:
        cases = [
            ("GET", {}, None),
            ("DELETE", {}, None),
            ("PUT", {}, b"{}"),
            ("POST", MCP_ACCEPT, b"not json"),
            ("POST", MCP_ACCEPT, b"[]"),
            ("POST", MCP_ACCEPT, b'{"jsonrpc": "2.0"}'),
            ("POST", {"Accept": "text/html"}, b'{"jsonrpc": "2.0", "id": 1, "method": "initialize"}'),
            ("POST", {**MCP_ACCEPT, "Content-Type": "text/plain"}, b"{}"),
            ("POST", MCP_ACCEPT, b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "x"}}'),
        ]
        for method, extra, body in cases:
            response = await http.request(method, url, headers=extra, content=body, timeout=10)
            assert 200 <= response.status_code < 500, (method, extra, body, response.status_code, response.text)
            if method != "POST":
                assert response.status_code == 405
        too_big = await http.post(url, headers=MCP_ACCEPT, content=b" " * (5 * 1024 * 1024))
        assert too_big.status_code == 413
        ok = await http.post(url, json=INITIALIZE, headers=MCP_ACCEPT)  # still serving
        assert ok.status_code == 200
