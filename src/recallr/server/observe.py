"""Every request observed once: a request id, its route template, status and duration, for metrics and logs.

``observe(app)`` (called last in ``create_app``, so its middleware is the outermost) adds ``ObserveRequests``, a
pure ASGI middleware, and, when ``RECALLR_METRICS`` is on without a separate port, the ``/metrics`` route.

- Request id: a client's ``X-Request-Id`` is kept when it is 1-128 characters of ``A-Z a-z 0-9 - _ . : + = /``,
  otherwise (or when absent) a new one is made; it is echoed as ``X-Request-Id`` and written in every log line.
- Route: the matched route's path template (``/api/v1/users/{user_id}``), never the raw path, so user ids
  appear neither in metric labels nor in access logs; ``unmatched`` for a path no route serves.
- The telemetry event goes to ``engine.telemetry`` (a no-op unless metrics are on); with
  ``RECALLR_LOG_FORMAT=json`` one access line is logged as ``recallr.access``.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..logs import request_id
from .deps import PROJECT_SCOPE_KEY

access_log = logging.getLogger("recallr.access")

MAX_REQUEST_ID = 128
_ID_CHARACTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:+=/"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_ROUTE_KEY = "recallr.route"  # where the router wrapper leaves the template, in the request's shared state dict
UNMATCHED = "unmatched"


def client_request_id(value: bytes | None) -> str:
    """The client's request id if it is short and safe to log and echo; otherwise a new random one."""
    if value and len(value) <= MAX_REQUEST_ID and not value.translate(None, _ID_CHARACTERS):
        return value.decode("ascii")
    return os.urandom(16).hex()  # a quarter of uuid4's cost; the same 32 hex digits


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value)
    return None


class RouteTemplate:
    """Wraps the router: records the matched route's template in the request's ``state`` dict, which middleware
    scope copies share (``BracketedArrayParams`` and others hand a copy of the scope down)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            state = scope.get("state")
            if isinstance(state, dict) and (template := route_template(scope)) is not None:
                state[_ROUTE_KEY] = template


def route_template(scope: Scope) -> str | None:
    """The full path template of the route that served ``scope`` (None: no route matched).

    FastAPI 0.120+ keeps an included router's routes without its prefix (``scope["route"].path`` is ``/users``) and
    records the full template in its scope entry; earlier versions copy the routes with the prefix included.
    """
    route = scope.get("route")
    if route is None:
        return None
    fastapi_scope = scope.get("fastapi")
    context = fastapi_scope.get("effective_route_context") if isinstance(fastapi_scope, dict) else None
    template = getattr(context, "path_format", None) or getattr(route, "path_format", None)
    return str(template) if template else UNMATCHED


class Templates:
    """The API's path templates, to name the route of a request answered before routing (the guard's 401, 413 and
    422): its path is matched segment by segment against the OpenAPI document's paths, most literal first.
    Linear in the path's length; run only for those requests and for paths no route serves."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._by_length: dict[int, list[tuple[str, list[str | None]]]] | None = None

    def _table(self) -> dict[int, list[tuple[str, list[str | None]]]]:
        if self._by_length is None:
            table: dict[int, list[tuple[str, list[str | None]]]] = {}
            for template in self.app.openapi().get("paths", {}):
                parts = [None if p.startswith("{") and p.endswith("}") else p for p in template.split("/")]
                table.setdefault(len(parts), []).append((template, parts))
            for rows in table.values():
                rows.sort(key=lambda row: -sum(p is not None for p in row[1]))
            self._by_length = table
        return self._by_length

    def match(self, path: str) -> str:
        segments = path.split("/")
        for template, parts in self._table().get(len(segments), ()):
            if all(s if p is None else p == s for p, s in zip(parts, segments, strict=True)):
                return template
        return UNMATCHED


class ObserveRequests:
    """ASGI middleware: request id, then one telemetry event and (JSON logs) one access line per HTTP request.

    Outside even the request guard (``guard.py``): it reads only headers, never the body.
    """

    def __init__(self, app: ASGIApp, *, telemetry: Any, log_requests: bool,
                 templates: Templates | None = None) -> None:
        self.app = app
        self.telemetry = telemetry
        self.log_requests = log_requests
        self.templates = templates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = client_request_id(_header(scope, b"x-request-id"))
        echoed = (b"x-request-id", rid.encode("ascii"))
        state: dict[str, Any] = scope.setdefault("state", {})  # shared with the route's ``request.state``
        status = 500  # unless a response starts: an error escaped every handler

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), echoed]}
            await send(message)

        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send_observed)
        finally:
            seconds = time.perf_counter() - started
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            route = state.get(_ROUTE_KEY) or (self.templates.match(scope.get("path", "")) if self.templates
                                              else UNMATCHED)
            self.telemetry.request(method, route, status, seconds)
            if self.log_requests and access_log.isEnabledFor(logging.INFO):
                access_log.info("%s %s %d %.1f ms", method, route, status, seconds * 1000, extra={
                    "request_id": rid, "project_id": scope.get(PROJECT_SCOPE_KEY), "method": method, "route": route,
                    "status": status, "duration_ms": round(seconds * 1000, 3)})
            request_id.reset(token)


def metrics_endpoint(registry: Any) -> Any:
    """``GET /metrics``: ``registry`` in Prometheus' text format (collected on a thread: it may query the
    database)."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    async def metrics(_: Request) -> Response:
        body = await anyio.to_thread.run_sync(generate_latest, registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return metrics


def observe(app: FastAPI) -> None:
    """Observe every request of ``app``; with ``RECALLR_METRICS``, count them and serve ``/metrics`` (on the API's
    port unless ``RECALLR_METRICS_PORT`` names another: ``app.state.metrics_registry`` is what that port serves)."""
    engine = app.state.engine
    settings = engine.settings
    app.state.metrics_registry = None
    if settings.metrics and app.state.fixed_project_id is None:  # the embedded client's app has no one to scrape it
        from ..metrics import attach, scrape_registry

        telemetry = attach(engine)
        app.state.metrics_registry = scrape_registry(settings, engine.db, telemetry)
        if settings.metrics_port is None:
            app.router.add_route("/metrics", metrics_endpoint(app.state.metrics_registry), methods=["GET"],
                                 include_in_schema=False)
    app.router.middleware_stack = RouteTemplate(app.router.middleware_stack)
    app.add_middleware(ObserveRequests, telemetry=engine.telemetry, log_requests=settings.log_format == "json",
                       templates=Templates(app))
