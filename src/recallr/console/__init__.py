"""The web console at ``/console``: users, their memories (versions, sources), sessions, merge conflicts, a context
playground and project settings, built on the public REST API only (``console/api.py``).

Server-rendered (Jinja2), no external requests: the stylesheet and the small script are served from
``/console/static``. Sign-in keeps the project id and key in a signed HttpOnly cookie (``console/security.py``).

Example::

    app = create_app(engine)          # calls install_console(app, engine) unless RECALLR_CONSOLE=false
    # browse http://127.0.0.1:8000/console
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.staticfiles import StaticFiles

from ..engine import Engine
from ..llm.keybox import KeyBox
from . import actions, pages, user_pages
from .api import ConsoleAPI
from .security import SESSION_COOKIE, ConsoleError, CookieSigner, SignInRequired, clear_cookie
from .web import HERE, Console, redirect, render, signed_in

__all__ = ["install_console"]


def install_console(app: FastAPI, engine: Engine, *, fixed_project_id: str | None = None) -> None:
    """Serve the console on ``app`` unless ``RECALLR_CONSOLE`` is off or the app is the embedded client's."""
    settings = engine.settings
    if not settings.console or fixed_project_id is not None:
        return
    shared = settings.resolved_database_url.startswith("postgres")
    key = KeyBox(settings, shared_database=shared).derive_key("console cookies")
    app.state.console = Console(settings, CookieSigner(key), ConsoleAPI(app))
    app.include_router(pages.router)
    app.include_router(user_pages.router)
    app.include_router(actions.router)
    app.mount("/console/static", StaticFiles(directory=HERE / "static"), name="console-static")
    app.add_exception_handler(ConsoleError, _console_error)  # type: ignore[arg-type]
    app.add_exception_handler(SignInRequired, _sign_in_required)  # type: ignore[arg-type]


async def _console_error(request: Request, error: ConsoleError) -> Response:
    try:
        account = await signed_in(request)
    except SignInRequired:
        account = None
    return render(request, "error.html", status=error.status, account=account, message=error.message)


async def _sign_in_required(request: Request, error: SignInRequired) -> Response:
    response = redirect("/console/signin" + ("?message=expired" if error.message else ""))
    if error.message:
        clear_cookie(response, request, SESSION_COOKIE)
    return response
