"""``recallr mcp``: MCP over stdio on the embedded store, what a desktop assistant launches."""

from __future__ import annotations

from ..client import AsyncRecallrAI
from ..exceptions import ConfigurationError
from ..settings import Settings
from . import INSTALL_HINT
from .backend import EmbeddedBackend


def serve_stdio(settings: Settings, *, user_id: str) -> None:
    """Serve the tools on stdin/stdout until the client closes them; stdout carries only MCP messages."""
    try:
        import anyio

        from .tools import build_server
    except ImportError as error:
        raise ConfigurationError(INSTALL_HINT) from error
    client = AsyncRecallrAI.embedded(settings=settings)

    async def run() -> None:
        try:
            server = build_server(EmbeddedBackend(client, user_id=user_id), wait_seconds=settings.mcp_wait_seconds)
            await server.run_stdio_async()
        finally:
            await client.close()

    anyio.run(run)
