"""Request dependencies as named types: the engine and the authenticated project."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from ..engine import Engine


def get_engine(request: Request) -> Engine:
    return request.app.state.engine  # type: ignore[no-any-return]


def get_project_id(
    request: Request,
    x_recallr_api_key: Annotated[str | None, Header(include_in_schema=True)] = None,
    x_recallr_project_id: Annotated[str | None, Header(include_in_schema=True)] = None,
) -> str:
    """The project the request's key belongs to (401 otherwise). Embedded apps have a fixed project."""
    fixed: str | None = request.app.state.fixed_project_id
    if fixed is not None:
        return fixed
    engine: Engine = request.app.state.engine
    return engine.projects.authenticate(x_recallr_project_id, x_recallr_api_key)


EngineDep = Annotated[Engine, Depends(get_engine)]
ProjectDep = Annotated[str, Depends(get_project_id)]
