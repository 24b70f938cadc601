"""Streamable HTTP MCP at ``/mcp`` on ``recallr serve``: the caller's key, then the tools over the served app.

Each request is authenticated before its body is read, with the same check as every API route
(``server.deps.authenticate``): ``X-Recallr-Api-Key`` or ``Authorization: Bearer rai_...``, with
``X-Recallr-Project-Id``. A refused request gets the API's 401 ``{"detail", "code"}`` and nothing else.
The tools then call the served app in-process through our SDK with that same key, so every rule of the
API applies to them unchanged.

The MCP SDK's session manager needs a task group for as long as the app serves. It is started by the
first ``/mcp`` request (so it also runs under servers started with ``lifespan="off"``) and stopped by
``aclose()`` from the app's lifespan, or with the event loop. Stateless mode: no MCP session lives in a
process, so any replica or uvicorn worker can answer any request.

The server does not know MCP: ``mount`` is plugged into ``create_app`` from outside (``recallr serve`` does it in
``server.asgi``), since MCP is built on the SDK, whose embedded mode runs the server's app.

Example::

    app = create_app(engine, mounts=[mount])  # POST /mcp, stopped by ``await app.state.mcp.aclose()``
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from ..client import AsyncRecallrAI
from ..exceptions import AuthenticationError, ConfigurationError, RecallrAIError, ServiceUnavailableError, to_body
from . import INSTALL_HINT
from .backend import tool_error

#: Where an authenticated ``/mcp`` request carries its ``Credentials`` (set by the server, never by a client).
CREDENTIALS_SCOPE_KEY = "recallr.mcp.credentials"
_IN_PROCESS_URL = "http://recallr.mcp"
log = logging.getLogger("recallr.mcp")


@dataclass(frozen=True)
class Credentials:
    """An authenticated caller: its project, its key, and the default user it asked for (if any)."""

    project_id: str
    api_key: str
    user_id: str | None


def read_credentials(headers: Headers) -> tuple[str | None, str | None]:
    """``(project_id, api_key)`` from ``X-Recallr-*`` headers, the key also from ``Authorization: Bearer``."""
    from ..server.deps import read_credentials as credentials

    return credentials(headers, bearer=True)


def mount(app: Any) -> None:
    """Serve MCP at ``/mcp`` on ``app`` (a ``create_app`` mount); the endpoint is ``app.state.mcp``.

    For an app with keys: the embedded client's app (one project, no key) has no ``/mcp``.
    """
    app.state.mcp = McpEndpoint(app)
    # POST only: stateless MCP has no session to DELETE and nothing to push on a GET stream (405, as MCP allows).
    app.router.add_route("/mcp", app.state.mcp, methods=["POST"], include_in_schema=False)


class HttpBackend:
    """Tools served with the caller's own key, through the served app, in-process."""

    per_request = True

    def __init__(self, app: Any, *, user_id: str) -> None:
        self.app = app
        self.user_id = user_id

    @contextlib.asynccontextmanager
    async def client(self, request: Any) -> AsyncIterator[AsyncRecallrAI]:
        credentials = request.scope.get(CREDENTIALS_SCOPE_KEY) if request is not None else None
        if not isinstance(credentials, Credentials):
            raise tool_error(AuthenticationError())
        transport = httpx.ASGITransport(app=self.app)
        async with AsyncRecallrAI(credentials.api_key, credentials.project_id, base_url=_IN_PROCESS_URL,
                                  transport=transport) as client:
            try:
                yield client
            except RecallrAIError as error:
                raise tool_error(error) from error

    def default_user_id(self, request: Any) -> str:
        credentials = request.scope.get(CREDENTIALS_SCOPE_KEY) if request is not None else None
        if isinstance(credentials, Credentials) and credentials.user_id:
            return credentials.user_id
        return self.user_id


class McpEndpoint:
    """The ASGI endpoint mounted at ``/mcp``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._manager: Any = None
        self._runner: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready: asyncio.Event | None = None
        self._failure: RecallrAIError | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        from ..server.deps import authenticate

        headers = Headers(scope=scope)
        project_id, api_key = read_credentials(headers)
        try:
            project_id = authenticate(self.app, project_id, api_key)
            manager = await self._session_manager()
        except RecallrAIError as error:
            await JSONResponse(to_body(error), status_code=error.http_status)(scope, receive, send)
            return
        scope[CREDENTIALS_SCOPE_KEY] = Credentials(project_id, api_key or "", headers.get("x-recallr-user-id"))
        await manager.handle_request(scope, receive, send)

    async def _session_manager(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._runner is None or self._loop is not loop:
            self._loop, self._ready, self._failure = loop, asyncio.Event(), None
            self._runner = loop.create_task(self._run(self._ready))
        assert self._ready is not None
        await self._ready.wait()
        if self._failure is not None:
            raise self._failure
        return self._manager

    async def _run(self, ready: asyncio.Event) -> None:
        try:
            manager = self._build()
            async with manager.run():
                self._manager = manager
                ready.set()
                await asyncio.Event().wait()  # serve until cancelled: aclose(), or the event loop ending
        except ImportError:
            self._failure = ConfigurationError(INSTALL_HINT, 501)
        except Exception as error:  # never leave requests waiting on a start that failed
            log.exception("MCP endpoint failed to start")
            self._failure = ServiceUnavailableError(f"MCP is unavailable: {type(error).__name__}")
        finally:
            ready.set()

    def _build(self) -> Any:
        from mcp.server.transport_security import TransportSecuritySettings

        from .tools import build_server

        settings = self.app.state.engine.settings
        server = build_server(HttpBackend(self.app, user_id=settings.mcp_user_id),
                              wait_seconds=settings.mcp_wait_seconds)
        # Host checks guard unauthenticated local servers against DNS rebinding; every request here needs a key.
        server.streamable_http_app(stateless_http=True, json_response=True, transport_security=(
            TransportSecuritySettings(enable_dns_rebinding_protection=False)))
        return server.session_manager

    async def aclose(self) -> None:
        """Stop the session manager (from the app's lifespan)."""
        runner, self._runner = self._runner, None
        if runner is not None and not runner.done():
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
