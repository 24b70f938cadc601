"""The request guard: pure ASGI, the first thing a request meets, before FastAPI reads a byte of its body.

In order, for every HTTP request:

1. authenticate from the headers alone (``X-Recallr-Api-Key``/``X-Recallr-Project-Id``; the embedded app's fixed
   project, ``/api/v1/health`` and paths no route serves (a plain 404) need no key), so an anonymous client never
   gets its body read;
2. refuse NUL (``%00``) in the URL (422) and a body whose ``Content-Length`` is over ``RECALLR_MAX_BODY_BYTES``
   (413), then read the body, counting, within the limit and ``RECALLR_BODY_TIMEOUT_SECONDS`` (413 or 408);
3. check a JSON body's values (finite numbers, 64-bit integers, no NUL, no lone surrogates: what no database stores
   the same way) and hand the buffered body to the app;
4. answer an unexpected error with the JSON 500 here, so the server does not drop the keep-alive connection.

A refusal sent before the body was read lets uvicorn discard a body of modest size (the connection stays open) or
says ``Connection: close`` (a large, chunked or half-read body is not worth reading just to throw it away).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
import anyio.to_thread
from starlette.routing import Match, Router

from ..engine import Engine, validation
from ..exceptions import (
    InternalServerError,
    RecallrAIError,
    RequestTimeoutError,
    RequestTooLargeError,
    ValidationError,
)
from .deps import INLINE_SCOPE_KEY, PROJECT_SCOPE_KEY, read_credentials
from .errors import error_response

log = logging.getLogger("recallr.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

API_PREFIX = "/api/v1"
PUBLIC_PATHS = frozenset({"/api/v1/health"})
MCP_PATH = "/mcp"  # MCP over HTTP: the same keys (or Authorization: Bearer), the same limits
#: A body uvicorn may discard after an early refusal, keeping the connection; also the most a route that needs no
#: key (health, the docs) accepts.
DRAIN_BYTES = 64 * 1024
#: An authenticated request refused for its Content-Length has its body discarded (keeping the connection) when it
#: is at most this many times the limit; beyond, the connection is closed instead.
DRAIN_FACTOR = 4


class _Disconnected(Exception):
    """The client went away while sending its body."""


class RequestGuard:
    """ASGI middleware doing steps 1-4 above for ``app``; see the module docstring."""

    def __init__(self, app: ASGIApp, *, engine: Engine, fixed_project_id: str | None = None,
                 router: Router | None = None) -> None:
        self.app = app
        self.engine = engine
        self.fixed_project_id = fixed_project_id
        self.router = router  # to tell paths no route serves (their plain 404 needs no key) from the API's
        self.max_body = engine.settings.max_body_bytes
        self.body_timeout = engine.settings.body_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        body: bytes | None = None
        stage = "unread"  # then "reading", then "read"
        length, chunked, drainable = None, False, DRAIN_BYTES
        try:
            length, chunked = _body_size(headers)
            limit = await self._admit(scope, headers)
            drainable = DRAIN_FACTOR * limit  # an authenticated client may have an oversized body discarded
            if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
                raise ValidationError("The URL must not contain NUL (%00): no database stores it the same way")
            if length is not None and length > limit:
                raise RequestTooLargeError(f"Request body is {length} bytes; the limit is {limit}")
            stage = "reading"
            body = await self._read(receive, limit) if (length or chunked) else None
            stage = "read"
            if body and (len(body) <= DRAIN_BYTES or scope.get(INLINE_SCOPE_KEY)):
                _check_json(body, headers.get("content-type", ""))
            elif body:  # a large body takes milliseconds to check: not on the event loop
                await anyio.to_thread.run_sync(_check_json, body, headers.get("content-type", ""))
        except _Disconnected:
            return
        except RecallrAIError as error:
            # An unread body of known, modest size is left for uvicorn to discard, and the connection stays open
            # (clients that send the whole body before reading, like http.client, then get the answer); a body
            # cut off mid-way, chunked or larger is not worth reading: the answer says Connection: close.
            close = stage == "reading" or (stage == "unread" and (chunked or (length or 0) > drainable))
            await _reply(scope, send, error, close=close)
            return
        await self._call_app(scope, receive if body is None else _replay(body, receive), send)

    async def _admit(self, scope: Scope, headers: dict[str, str]) -> int:
        """Authenticate the request if its path needs a key; the body size it may send."""
        if self.fixed_project_id is not None:
            scope[PROJECT_SCOPE_KEY] = self.fixed_project_id
            return self.max_body
        path: str = scope.get("path", "")
        api = path == API_PREFIX or path.startswith(API_PREFIX + "/")
        mcp = path == MCP_PATH
        if not (api or mcp) or path in PUBLIC_PATHS or not self._routed(scope):
            return min(self.max_body, DRAIN_BYTES)
        project_id, api_key = read_credentials(headers, bearer=mcp)
        authenticate = self.engine.projects.authenticate
        if scope.get(INLINE_SCOPE_KEY):
            scope[PROJECT_SCOPE_KEY] = authenticate(project_id, api_key)
        else:  # a database read: off the event loop
            scope[PROJECT_SCOPE_KEY] = await anyio.to_thread.run_sync(authenticate, project_id, api_key)
        return self.max_body

    def _routed(self, scope: Scope) -> bool:
        """Whether a route serves the path (with any method: a wrong method is the route's 405, after the key)."""
        if self.router is None:
            return True
        return any(route.matches(scope)[0] is not Match.NONE for route in self.router.routes)

    async def _read(self, receive: Receive, limit: int) -> bytes:
        """The whole body, refused past ``limit`` bytes or ``body_timeout`` seconds."""
        chunks: list[bytes] = []
        size = 0
        try:
            with anyio.fail_after(self.body_timeout):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        raise _Disconnected
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > limit:
                        raise RequestTooLargeError(f"Request body is over the limit of {limit} bytes")
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError as error:
            raise RequestTimeoutError(f"Request body not received within {self.body_timeout:g} s") from error

    async def _call_app(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as error:
            if started:  # too late for an error response: the server closes the connection
                raise
            log.exception("unhandled error", exc_info=error)
            await _reply(scope, send, InternalServerError("Internal server error"), close=False)


def _headers(scope: Scope) -> dict[str, str]:
    """The request's headers, lower-cased names, the first of repeated ones."""
    found: dict[str, str] = {}
    for name, value in scope.get("headers", []):
        found.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return found


def _body_size(headers: dict[str, str]) -> tuple[int | None, bool]:
    """``(Content-Length or None, chunked)``; an absurd length counts as too large, a malformed one is a 400."""
    raw = headers.get("content-length", "").strip()
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    if not raw:
        return None, chunked
    if not raw.isdigit():
        raise RecallrAIError("Content-Length must be a number of bytes", 400)
    return (int(raw) if len(raw) <= 18 else 10**18), chunked


def _check_json(body: bytes, content_type: str) -> None:
    """422 for JSON values no backend stores faithfully; bad syntax is left to FastAPI where a body is expected."""
    content_type = content_type.lower()
    if content_type and "json" not in content_type:
        return
    document = validation.parse_json(body, field="body", syntax_errors=False)
    if document is not validation.UNPARSED:
        validation.json_value(document, field="")  # errors name the field: "metadata.a must be ..."


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the app the buffered body, then waits on the real one (for the disconnect)."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _reply(scope: Scope, send: Send, error: RecallrAIError, *, close: bool) -> None:
    response = error_response(error)
    if close:
        response.headers["connection"] = "close"

    async def no_body() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, no_body, send)
