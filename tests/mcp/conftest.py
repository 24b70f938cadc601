"""Helpers for driving Recallr's MCP server with the ``mcp`` package's own client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp.shared.exceptions import MCPError

PEANUTS = "I'm allergic to peanuts and I live in Lyon"
TOOLS = {"add_memory", "search_memory", "list_memories", "delete_memory", "list_merge_conflicts",
         "resolve_merge_conflict"}


def text_of(result: Any) -> str:
    """The text content of a tool result (errors are text only)."""
    return "\n".join(block.text for block in result.content if getattr(block, "type", "") == "text")


def data_of(result: Any) -> dict[str, Any]:
    """The structured content of a successful tool result."""
    assert not result.is_error, text_of(result)
    if result.structured_content is not None:
        return dict(result.structured_content)
    return dict(json.loads(text_of(result)))


async def exercise_tools(session: Any) -> None:
    """Every tool once, through ``session`` (an initialised ``ClientSession``): the behaviour both transports share.

    The default user (no ``user_id``) is the one the transport was configured with.
    """
    listed = await session.list_tools()
    assert {tool.name for tool in listed.tools} >= TOOLS
    for tool in listed.tools:
        assert tool.description, tool.name
    add = next(t for t in listed.tools if t.name == "add_memory")
    assert add.input_schema["required"] == ["text"]
    assert "user_id" in add.input_schema["properties"]

    added = data_of(await session.call_tool("add_memory", {"text": PEANUTS}))
    assert added["status"] == "processed"
    assert any("peanut" in m["content"].lower() for m in added["memories"]), added

    found = data_of(await session.call_tool("search_memory", {"query": "what should I avoid eating?"}))
    assert "peanut" in found["context"].lower(), found["context"]
    peanut_ids = {m["memory_id"] for m in added["memories"] if "peanut" in m["content"].lower()}
    assert peanut_ids & set(found["memory_ids"])

    listed_memories = data_of(await session.call_tool("list_memories", {"limit": 50}))
    assert listed_memories["total"] == len(listed_memories["memories"]) >= 1
    assert {m["memory_id"] for m in listed_memories["memories"]} >= peanut_ids
    contents = " ".join(m["content"] for m in listed_memories["memories"]).lower()
    assert "avoid eating" not in contents  # a search leaves nothing behind

    conflicts = data_of(await session.call_tool("list_merge_conflicts", {}))
    assert conflicts["conflicts"] == [] and conflicts["total"] == 0

    memory_id = sorted(peanut_ids)[0]
    deleted = data_of(await session.call_tool("delete_memory", {"memory_id": memory_id}))
    assert deleted["deleted"] is True
    after = data_of(await session.call_tool("list_memories", {}))
    assert memory_id not in {m["memory_id"] for m in after["memories"]}


async def exercise_errors(session: Any) -> None:
    """Unknown ids and bad arguments come back as error results; the session keeps working."""
    missing = await session.call_tool("delete_memory", {"memory_id": "no-such-memory"})
    assert missing.is_error and "no-such-memory not found" in text_of(missing)
    conflict = await session.call_tool("resolve_merge_conflict", {
        "conflict_id": "no-such-conflict", "answers": [{"question": "q", "answer": "a"}]})
    assert conflict.is_error and "not found" in text_of(conflict)
    for name, arguments in [
        ("add_memory", {}),
        ("add_memory", {"text": ""}),
        ("add_memory", {"text": 42}),
        ("list_memories", {"limit": 0}),
        ("list_memories", {"limit": "many"}),
        ("list_memories", {"categories": ["no_such_category"]}),
        ("search_memory", {"query": "x", "recall_strategy": "psychic"}),
        ("list_merge_conflicts", {"status": "MAYBE"}),
        ("resolve_merge_conflict", {"conflict_id": "c", "answers": []}),
        ("add_memory", {"text": "x", "user_id": ""}),
        ("add_memory", {"text": "x", "user_id": "u" * 300}),
    ]:
        result = await session.call_tool(name, arguments)
        assert result.is_error, (name, arguments)
        assert text_of(result), (name, arguments)
    unknown = await session.call_tool("no_such_tool", {})
    assert unknown.is_error
    assert data_of(await session.call_tool("list_memories", {}))["user_id"]  # still answering


async def exercise_resources(session: Any, user_id: str, *, static_memories: bool) -> None:
    """The memories and system-prompt resources (``recallr://memories``, the default user's, only on stdio)."""
    resources = {str(r.uri) for r in (await session.list_resources()).resources}
    assert "recallr://system-prompt" in resources
    assert ("recallr://memories" in resources) is static_memories
    templates = {t.uri_template for t in (await session.list_resource_templates()).resource_templates}
    assert {"recallr://users/{user_id}/memories", "recallr://system-prompt/{recall_strategy}"} <= templates

    prompt = (await session.read_resource("recallr://system-prompt")).contents[0].text
    assert "memor" in prompt.lower()
    agentic = (await session.read_resource("recallr://system-prompt/agentic")).contents[0].text
    assert agentic != prompt and "memor" in agentic.lower()
    with pytest.raises(MCPError):
        await session.read_resource("recallr://system-prompt/psychic")
    theirs = json.loads((await session.read_resource(f"recallr://users/{user_id}/memories")).contents[0].text)
    assert theirs["user_id"] == user_id and theirs["total"] == len(theirs["memories"])
    if static_memories:
        mine = json.loads((await session.read_resource("recallr://memories")).contents[0].text)
        assert mine == theirs
