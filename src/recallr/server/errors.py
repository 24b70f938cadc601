"""The one JSON error shape, ``{"detail": ..., "code": ...}``, for every error the API returns."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..exceptions import InternalServerError, RecallrAIError, ValidationError, to_body

log = logging.getLogger("recallr.server")


def _location(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "request"


def error_response(error: RecallrAIError) -> JSONResponse:
    """The response for ``error``: its status and ``{"detail", "code"}`` body (503s say when to retry)."""
    headers = {"Retry-After": "1"} if error.http_status == 503 else None
    return JSONResponse(to_body(error), status_code=error.http_status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
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
