"""``create_app(engine)``: the FastAPI application. Routes translate HTTP to engine calls, nothing more.

What the API does not know is plugged in from outside as a ``Mount``: ``recallr serve`` (``server.asgi``) adds MCP
at ``/mcp`` (``recallr.mcp.http.mount``). The server never imports ``recallr.mcp``, which is built on the SDK, whose
embedded mode runs this app: that way the import graph has no cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from .. import __version__
from ..bootstrap import Engine
from ..console import install_console
from .errors import install_error_handlers
from .guard import RequestGuard
from .observe import observe
from .openapi import document
from .query_arrays import BracketedArrayParams
from .routes import context, export, llm, memories, project, sessions, system, users

#: Adds routes to the app from outside (before the console, the docs and the outermost middleware).
Mount = Callable[[FastAPI], None]


def create_app(engine: Engine, *, fixed_project_id: str | None = None, mounts: Sequence[Mount] = ()) -> FastAPI:
    """The REST API v1 over ``engine``, with each of ``mounts`` plugged in.

    ``fixed_project_id`` serves one project without keys: the embedded client's in-process app.

    Example::

        from recallr.mcp.http import mount as mcp

        app = create_app(Engine(Settings(data_dir="./data")), mounts=[mcp])  # MCP at /mcp, as `recallr serve`
        uvicorn.run(app)
    """
    # /docs and /redoc serve Swagger UI and ReDoc from files shipped in fastapi-offline: no CDN, works offline.
    app = FastAPIOffline(title="Recallr", version=__version__,
                         description="Self-hosted long-term memory for AI assistants; RecallrAI API v1 compatible.",
                         swagger_ui_parameters={"validatorUrl": None})  # no call to the public validator
    app.state.engine = engine
    app.state.fixed_project_id = fixed_project_id
    install_error_handlers(app)
    app.add_middleware(BracketedArrayParams)  # the Node SDK's ``status_filter[]=...`` read as ``status_filter=...``
    # Before the routes: authentication, body limits and the JSON checks run before anything reads the body
    # (guard.py); only observe()'s header-reading middleware, added last, sits outside it.
    app.add_middleware(RequestGuard, engine=engine, fixed_project_id=fixed_project_id, router=app.router)
    app.include_router(users.router, prefix="/api/v1")
    app.include_router(export.router, prefix="/api/v1")
    app.include_router(sessions.router, prefix="/api/v1")
    app.include_router(context.router, prefix="/api/v1")
    app.include_router(memories.router, prefix="/api/v1")
    app.include_router(project.router, prefix="/api/v1")
    app.include_router(llm.router, prefix="/api/v1")
    app.include_router(system.router, prefix="/api/v1")
    for plug in mounts:
        plug(app)
    install_console(app, engine, fixed_project_id=fixed_project_id)  # /console unless RECALLR_CONSOLE=false
    document(app, engine.settings)
    observe(app)  # last: its middleware (request ids, metrics, access logs) must be the outermost
    return app
