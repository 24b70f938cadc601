"""What every console page shares: the ``Console`` state, rendering, the signed-in account, redirects."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..settings import Settings
from .api import ConsoleAPI, q
from .security import (
    SESSION_COOKIE,
    Account,
    CookieSigner,
    SignInRequired,
    check_origin,
    form_token,
    read_form,
)

HERE = Path(__file__).parent
PAGE_SIZE = 20

#: Every asset is served by Recallr itself: the policy forbids any other origin, inline scripts and framing.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; connect-src 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class Console:
    """The console's state, kept on ``app.state.console``."""

    def __init__(self, settings: Settings, signer: CookieSigner, api: ConsoleAPI) -> None:
        self.settings = settings
        self.signer = signer
        self.api = api
        self.templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                                            undefined=jinja2.StrictUndefined)
        self.templates.filters["q"] = q
        self.templates.filters["when"] = _when
        self.templates.globals["page_size"] = PAGE_SIZE

    @property
    def session_seconds(self) -> int:
        return int(self.settings.console_session_hours * 3600)


def console_of(request: Request) -> Console:
    return request.app.state.console


def render(request: Request, template: str, *, status: int = 200, account: Account | None = None,
           **context: Any) -> HTMLResponse:
    """A page, with the security headers and (when signed in) the CSRF token its forms carry."""
    console = console_of(request)
    csrf = console.signer.csrf_token(account.nonce) if account else context.pop("csrf", "")
    html = console.templates.get_template(template).render(
        request_path=request.url.path, account=account, csrf=csrf, **context)
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


async def signed_in(request: Request) -> Account:
    """The account of the sign-in cookie, or a redirect to the sign-in page."""
    console = console_of(request)
    data = console.signer.loads(request.cookies.get(SESSION_COOKIE), max_age_seconds=console.session_seconds)
    if data is None or not isinstance(data.get("p"), str) or not isinstance(data.get("k"), str):
        raise SignInRequired()
    return Account(project_id=data["p"], api_key=data["k"], nonce=data["n"])


AccountDep = Annotated[Account, Depends(signed_in)]


async def change(request: Request, account: Account) -> dict[str, list[str]]:
    """The form of a state-changing request, after its origin and CSRF token are checked."""
    check_origin(request)
    form = await read_form(request)
    console_of(request).signer.check_csrf(account.nonce, form_token(form))
    return form


def user_url(user_id: str, suffix: str = "") -> str:
    return f"/console/users/{q(user_id)}{suffix}"


def _when(value: str | None) -> str:
    """An ISO timestamp as ``2024-05-07 14:03 UTC``; the browser rewrites it in its own timezone."""
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return value
