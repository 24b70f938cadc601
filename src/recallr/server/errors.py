"""The one JSON error shape, ``{"detail": ..., "code": ...}``, for every error the API returns."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocketClose

from ..exceptions import ROUTE_NOT_FOUND, InternalServerError, RecallrAIError, ValidationError, to_body

log = logging.getLogger("recallr.server")


def _location(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def error_response(error: RecallrAIError) -> JSONResponse:
    """The response for ``error``: its status and ``{"detail", "code"}`` body (503s say when to retry)."""
    headers = {"Retry-After": "1"} if error.http_status == 503 else None
    return JSONResponse(to_body(error), status_code=error.http_status, headers=headers)


async def route_not_found(scope: Scope, receive: Receive, send: Send) -> None:
    """The answer for a path no route serves: ``404 page not found`` as plain text, before authentication.

    Not the JSON shape on purpose: both official SDKs read a 404 whose body has a ``detail`` as "user (or
    session) not found", and only this exact text as a connection problem. A wrong base URL
    (``http://host/api`` + ``/api/v1/users/x``) must not look like a missing user.
    """
    if scope["type"] == "websocket":
        await WebSocketClose()(scope, receive, send)
        return
    await PlainTextResponse(ROUTE_NOT_FOUND, status_code=404)(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.router.default = route_not_found

    @app.exception_handler(RecallrAIError)
    async def recallr_error(_: Request, error: RecallrAIError) -> JSONResponse:
        return error_response(error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        problems = [f"{_location(tuple(e.get('loc', ())))}: {e.get('msg', 'invalid')}" for e in error.errors()]
        body = to_body(ValidationError("; ".join(problems) or "Invalid request"))
        body["errors"] = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
                          for e in error.errors()]
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"detail": error.detail, "code": "http_error"}, status_code=error.status_code,
                            headers=getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=error)
        return error_response(InternalServerError("Internal server error"))
