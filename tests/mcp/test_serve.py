"""The required end-to-end check over HTTP against ``recallr serve`` itself (a subprocess, lifespan on)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ..conftest import free_port
from .conftest import PEANUTS, data_of
from .test_http import INITIALIZE, MCP_ACCEPT, mcp_session
from .test_stdio import SRC


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """``recallr serve`` on a free port: its /mcp URL and key headers; stopped (SIGINT, a clean shutdown) after."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")]),
           "RECALLR_WORKER_POLL_SECONDS": "0.05", "RECALLR_LOG_LEVEL": "warning"}
    data = str(tmp_path / "data")
    created = subprocess.run([sys.executable, "-m", "recallr", "init", "--data-dir", data, "--json"], env=env,
                             capture_output=True, text=True, check=True)
    keys = json.loads(created.stdout)
    port = free_port()
    with (tmp_path / "serve.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "recallr", "serve", "--data-dir", data, "--port", str(port)],
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/api/v1/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.1)
            yield f"{base}/mcp", {"X-Recallr-Api-Key": keys["api_key"], "X-Recallr-Project-Id": keys["project_id"]}
        finally:
            process.send_signal(2)  # SIGINT: uvicorn's graceful shutdown runs the lifespan's exit
            assert process.wait(30) == 0, (tmp_path / "serve.log").read_text()
    assert "Traceback" not in (tmp_path / "serve.log").read_text()


async def test_peanuts_over_recallr_serve(served: tuple[str, dict[str, str]]) -> None:
    url, headers = served
    async with mcp_session(url, headers) as session:
        added = data_of(await session.call_tool("add_memory", {"text": PEANUTS}))
        assert any("peanut" in m["content"].lower() for m in added["memories"])
        found = data_of(await session.call_tool("search_memory", {"query": "what should I avoid eating?"}))
        assert "peanut" in found["context"].lower()
    async with httpx.AsyncClient() as http:
        refused = await http.post(url, json=INITIALIZE, headers=MCP_ACCEPT)
        assert refused.status_code == 401 and refused.json()["detail"] == "Invalid API key or project ID"
