"""Where the MCP tools get their SDK client and default user: the embedded client, or the caller's key.

A tool asks its ``Backend`` for a client around each call; every ``RecallrAIError`` raised inside that
block leaves it as the MCP SDK's ``ToolError``, so the assistant gets an error result with the API's own
message (``Memory ... not found``) instead of a failed request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from ..client import AsyncRecallrAI
from ..exceptions import RecallrAIError


class Backend(Protocol):
    """What the tools need from a transport; ``request`` is the HTTP request of the call (None on stdio)."""

    #: Whether a call's client depends on its request (its caller's key): then there is no static resource.
    per_request: bool

    def client(self, request: Any) -> Any:
        """An async context manager yielding the ``AsyncRecallrAI`` to serve this call with."""

    def default_user_id(self, request: Any) -> str:
        """The user a call that names none is about."""


def tool_error(error: RecallrAIError) -> Exception:
    """The MCP SDK's ``ToolError`` for a Recallr error: an ``isError`` tool result with the API's message."""
    from mcp.server.mcpserver.exceptions import ToolError

    return ToolError(f"{error.message} ({error.code})")


class EmbeddedBackend:
    """One embedded client for the process's lifetime (``recallr mcp`` over stdio)."""

    per_request = False

    def __init__(self, client: AsyncRecallrAI, *, user_id: str) -> None:
        self._client = client
        self._user_id = user_id

    @asynccontextmanager
    async def client(self, request: Any) -> AsyncIterator[AsyncRecallrAI]:
        try:
            yield self._client
        except RecallrAIError as error:
            raise tool_error(error) from error

    def default_user_id(self, request: Any) -> str:
        return self._user_id
