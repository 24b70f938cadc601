"""``recallr mcp`` as a subprocess, driven over stdio by the ``mcp`` package's client."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

import recallr

from .conftest import PEANUTS, data_of, exercise_errors, exercise_resources, exercise_tools

SRC = str(Path(recallr.__file__).resolve().parent.parent)


@asynccontextmanager
async def recallr_mcp(tmp_path: Path, *args: str, **settings: str) -> AsyncIterator[Any]:
    """An initialised ``ClientSession`` with ``recallr mcp --data-dir tmp_path/data *args`` (``RECALLR_*`` settings)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]),
           "RECALLR_WORKER_POLL_SECONDS": "0.05", **{f"RECALLR_{k.upper()}": v for k, v in settings.items()}}
    params = StdioServerParameters(command=sys.executable, env=env,
                                   args=["-m", "recallr", "mcp", "--data-dir", str(tmp_path / "data"), *args])
    with (tmp_path / "stderr.log").open("w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            yield session


async def test_add_then_search_names_peanuts(tmp_path: Path) -> None:
    async with recallr_mcp(tmp_path, "--user-id", "alice") as session:
        await exercise_tools(session)
        await exercise_resources(session, "alice", static_memories=True)


async def test_errors_are_tool_errors(tmp_path: Path) -> None:
    async with recallr_mcp(tmp_path) as session:
        await exercise_errors(session)
        assert data_of(await session.call_tool("list_memories", {}))["user_id"] == "default"


async def test_memories_persist_and_users_are_separate(tmp_path: Path) -> None:
    async with recallr_mcp(tmp_path, "--user-id", "alice") as session:
        added = data_of(await session.call_tool("add_memory", {"text": PEANUTS}))
        assert added["user_id"] == "alice"
        other = data_of(await session.call_tool("list_memories", {"user_id": "bob"}))
        assert other["user_id"] == "bob" and other["memories"] == []
    async with recallr_mcp(tmp_path, "--user-id", "alice") as session:  # a new process, the same data directory
        found = data_of(await session.call_tool("search_memory", {"query": "Where does she live?"}))
        assert "lyon" in found["context"].lower()
        assert data_of(await session.call_tool("search_memory", {"query": "Where does she live?",
                                                                 "user_id": "bob"}))["memory_ids"] == []


async def test_add_memory_waits_a_bounded_time(tmp_path: Path) -> None:
    """No worker: add_memory answers "processing" once RECALLR_MCP_WAIT_SECONDS have passed, not never."""
    async with recallr_mcp(tmp_path, run_worker="false", mcp_wait_seconds="0.5") as session:
        started = time.monotonic()
        added = data_of(await session.call_tool("add_memory", {"text": PEANUTS}))
        assert time.monotonic() - started < 10
        assert added["status"] == "processing" and added["memories"] == [] and "0.5 s" in added["note"]
