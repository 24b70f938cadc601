"""Sign in and out, the users list, project settings."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .api import q
from .security import (
    SESSION_COOKIE,
    SIGNIN_COOKIE,
    SIGNIN_SECONDS,
    ConsoleError,
    check_origin,
    clear_cookie,
    field,
    form_token,
    read_form,
    set_cookie,
)
from .web import PAGE_SIZE, AccountDep, change, console_of, redirect, render

router = APIRouter(prefix="/console", include_in_schema=False)

MAX_PROJECT_ID = 200
MAX_API_KEY = 200
MAX_SEARCH = 200
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


@router.get("")
@router.get("/")
async def home() -> RedirectResponse:
    return redirect("/console/users")


@router.get("/signin")
async def signin_page(request: Request, message: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    return _signin(request, status=200, notice=_NOTICES.get(message, ""))


_NOTICES = {"signed-out": "You are signed out.", "expired": "Your sign-in expired or your key stopped working: "
            "sign in again."}


def _signin(request: Request, *, status: int, error: str = "", notice: str = "", project_id: str = "") -> HTMLResponse:
    """The sign-in form, with a fresh anonymous nonce so that the form itself is CSRF-protected."""
    signer = console_of(request).signer
    nonce = secrets.token_urlsafe(18)
    response = render(request, "signin.html", status=status, csrf=signer.csrf_token(nonce), error=error,
                      notice=notice, project_id=project_id)
    set_cookie(response, request, SIGNIN_COOKIE, signer.dumps({"n": nonce}), SIGNIN_SECONDS)
    return response


@router.post("/signin")
async def signin(request: Request) -> Response:
    console = console_of(request)
    check_origin(request)
    form = await read_form(request)
    pre = console.signer.loads(request.cookies.get(SIGNIN_COOKIE), max_age_seconds=SIGNIN_SECONDS)
    if pre is None:
        return _signin(request, status=403, error="The sign-in form expired: please try again.")
    console.signer.check_csrf(pre["n"], form_token(form))
    try:
        project_id = field(form, "project_id", max_chars=MAX_PROJECT_ID, label="Project ID").strip()
        api_key = field(form, "api_key", max_chars=MAX_API_KEY, label="API key").strip()
    except ConsoleError as error:
        return _signin(request, status=error.status, error=error.message)
    if not await console.api.check_key(project_id, api_key):
        # Neither value is echoed back: the project id field is refilled only when it is plausible text.
        return _signin(request, status=401, error="Wrong project ID or API key: check both and try again.",
                       project_id=project_id if project_id.isprintable() else "")
    response = redirect("/console/users")
    set_cookie(response, request, SESSION_COOKIE, console.signer.dumps({"p": project_id, "k": api_key}),
               console.session_seconds)
    clear_cookie(response, request, SIGNIN_COOKIE)
    return response


@router.post("/signout")
async def signout(request: Request, account: AccountDep) -> Response:
    await change(request, account)
    response = redirect("/console/signin?message=signed-out")
    clear_cookie(response, request, SESSION_COOKIE)
    return response


@router.get("/users")
async def users_page(request: Request, account: AccountDep, offset: Offset = 0,
                     search: Annotated[str, Query(max_length=MAX_SEARCH)] = "") -> HTMLResponse:
    params: dict[str, Any] = {"offset": offset, "limit": PAGE_SIZE, "include_counts": "true"}
    if search.strip():
        params["search"] = search.strip()
    page = await console_of(request).api.call(account, "GET", "/users", params=params)
    return render(request, "users.html", account=account, page=page, offset=offset, search=search.strip())


@router.get("/settings")
async def settings_page(request: Request, account: AccountDep, notice: str = "") -> HTMLResponse:
    api = console_of(request).api
    project = await api.call(account, "GET", "/project")
    categories = (await api.call(account, "GET", "/categories"))["categories"]
    try:
        llm = (await api.call(account, "GET", "/project/llm"))["effective"]
    except ConsoleError:
        llm = None  # a project whose LLM settings cannot be read still sees the rest
    return render(request, "settings.html", account=account, project=project, categories=categories, llm=llm,
                  notice=_SETTINGS_NOTICES.get(notice, ""))


_SETTINGS_NOTICES = {"added": "Category added.", "saved": "Category saved.", "removed": "Category removed.",
                     "merge": "Merge conflict setting saved."}


@router.post("/settings/categories")
async def add_category(request: Request, account: AccountDep) -> Response:
    form = await change(request, account)
    body = {"name": field(form, "name", max_chars=64, label="Name").strip(),
            "description": field(form, "description", max_chars=500, label="Description").strip()}
    await console_of(request).api.call(account, "POST", "/categories", json=body)
    return redirect("/console/settings?notice=added")


@router.post("/settings/categories/{name}")
async def update_category(request: Request, name: str, account: AccountDep) -> Response:
    form = await change(request, account)
    description = field(form, "description", max_chars=500, label="Description").strip()
    await console_of(request).api.call(account, "PUT", f"/categories/{q(name)}", json={"description": description})
    return redirect("/console/settings?notice=saved")


@router.post("/settings/categories/{name}/delete")
async def delete_category(request: Request, name: str, account: AccountDep) -> Response:
    await change(request, account)
    await console_of(request).api.call(account, "DELETE", f"/categories/{q(name)}")
    return redirect("/console/settings?notice=removed")


@router.post("/settings/merge-conflicts")
async def set_merge_conflicts(request: Request, account: AccountDep) -> Response:
    form = await change(request, account)
    enabled = field(form, "enabled", max_chars=5, label="Merge conflicts")
    if enabled not in ("true", "false"):
        raise ConsoleError(422, "Merge conflicts must be turned on or off.")
    await console_of(request).api.call(account, "PUT", "/project", json={"merge_conflicts_enabled": enabled == "true"})
    return redirect("/console/settings?notice=merge")
