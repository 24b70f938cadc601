"""The README's MCP client snippets are valid JSON and name what exists: the command, its options, the headers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from recallr.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
SECTION = README.split("## Use it from an AI assistant (MCP)", 1)[1].split("\n## ", 1)[0]


def servers() -> list[dict[str, Any]]:
    blocks = re.findall(r"```json\n(.*?)```", SECTION, flags=re.DOTALL)
    assert len(blocks) >= 3
    found = []
    for block in blocks:
        config = json.loads(block)
        found.extend((config.get("mcpServers") or config["servers"]).values())
    return found


def test_stdio_snippets_run_recallr_mcp_with_real_options() -> None:
    options = {opt for param in main.commands["mcp"].params for opt in param.opts}
    stdio = [s for s in servers() if "command" in s]
    assert stdio
    for server in stdio:
        assert server["command"].endswith("/.venv/bin/recallr")
        assert server["args"][0] == "mcp"
        assert {a for a in server["args"][1:] if a.startswith("--")} <= options


def test_http_snippets_send_the_key_headers() -> None:
    http = [s for s in servers() if "url" in s]
    assert http
    for server in http:
        assert server["url"].endswith("/mcp")
        headers = {name.lower() for name in server["headers"]}
        assert "x-recallr-project-id" in headers
        assert "x-recallr-api-key" in headers or server["headers"].get("Authorization", "").startswith("Bearer rai_")
