"""Request dependencies as named types: the engine and the authenticated project."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import anyio.to_thread
from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader
from pydantic import BeforeValidator

from ..bootstrap import Engine

T = TypeVar("T")
Blocking = Callable[..., Awaitable[Any]]

#: Set in the ASGI scope by the embedded sync transport, which already runs on the caller's own thread.
INLINE_SCOPE_KEY = "recallr.inline"
#: Set in the ASGI scope by the request guard (guard.py), which authenticates before the body is read.
PROJECT_SCOPE_KEY = "recallr.project_id"


def read_credentials(headers: Any, *, bearer: bool = False) -> tuple[str | None, str | None]:
    """``(project_id, api_key)`` from the ``X-Recallr-*`` headers of a header mapping with lower-case keys.

    With ``bearer`` (the ``/mcp`` endpoint, for MCP clients that only know ``Authorization``), the key may also
    come as ``Authorization: Bearer rai_...``.
    """
    api_key = headers.get("x-recallr-api-key")
    if api_key is None and bearer:
        scheme, _, token = (headers.get("authorization") or "").partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            api_key = token.strip()
    return headers.get("x-recallr-project-id"), api_key


#: The two headers every authenticated request carries, as OpenAPI security schemes (the Authorize button of
#: ``/docs``). ``auto_error=False``: a missing header is the same 401 as a wrong one, from ``authenticate``.
API_KEY_HEADER = APIKeyHeader(name="X-Recallr-Api-Key", scheme_name="ApiKey", auto_error=False,
                              description="The project's API key (`rai_...`); sent with X-Recallr-Project-Id.")
PROJECT_ID_HEADER = APIKeyHeader(name="X-Recallr-Project-Id", scheme_name="ProjectId", auto_error=False,
                                 description="The id of the project the key belongs to.")


async def get_engine(request: Request) -> Engine:
    return request.app.state.engine


async def get_blocking(request: Request) -> Blocking:
    """How to call the (blocking) engine: on a worker thread, or inline for the embedded sync client."""
    if request.scope.get(INLINE_SCOPE_KEY):

        async def inline(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
            return fn(*args, **kwargs)

        return inline

    async def threaded(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))

    return threaded


async def get_project_id(
    request: Request,
    x_recallr_api_key: Annotated[str | None, Security(API_KEY_HEADER)] = None,
    x_recallr_project_id: Annotated[str | None, Security(PROJECT_ID_HEADER)] = None,
) -> str:
    """The project the request's key belongs to (401 otherwise). Embedded apps have a fixed project."""
    checked: str | None = request.scope.get(PROJECT_SCOPE_KEY)
    if checked is not None:  # the guard authenticated the request already
        return checked
    return authenticate(request.app, x_recallr_project_id, x_recallr_api_key)


def authenticate(app: Any, project_id: str | None, api_key: str | None) -> str:
    """The project ``api_key`` opens, else ``AuthenticationError``: the one check of the REST API and ``/mcp``."""
    fixed: str | None = app.state.fixed_project_id
    if fixed is not None:
        return fixed
    engine: Engine = app.state.engine
    # A short indexed read; run inline so a request costs one thread hop, not two.
    return engine.projects.authenticate(project_id, api_key)


EngineDep = Annotated[Engine, Depends(get_engine)]
ProjectDep = Annotated[str, Depends(get_project_id)]
BlockingDep = Annotated[Blocking, Depends(get_blocking)]


def _strict_bool(value: Any) -> bool:
    """``true`` or ``false`` (any case) only: pydantic's lax parsing would also take yes/no, on/off, y/n, t/f."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError("must be true or false")


#: A boolean query parameter: ``true`` or ``false``, nothing else.
QueryBool = Annotated[bool, BeforeValidator(_strict_bool)]
