"""The console over real HTTP without a browser: cookie flags, CSRF, bounds, secrets never echoed, on and off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from recallr.engine import Engine
from recallr.server import create_app

from ..conftest import LiveServer, make_settings, shared_embedder

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def token(response: httpx.Response) -> str:
    found = CSRF.search(response.text)
    assert found, response.text[:500]
    return found.group(1)


@pytest.fixture
def clients() -> Iterator[list[httpx.Client]]:
    """Clients a test opens, closed after it."""
    opened: list[httpx.Client] = []
    yield opened
    for client in opened:
        client.close()


def signed_in(server: LiveServer, clients: list[httpx.Client]) -> tuple[httpx.Client, str]:
    browser = httpx.Client(base_url=server.base_url)
    clients.append(browser)
    form = browser.get("/console/signin")
    answer = browser.post("/console/signin", data={"csrf": token(form), "project_id": server.project.id,
                                                   "api_key": server.api_key})
    assert answer.status_code == 303 and answer.headers["location"] == "/console/users"
    return browser, token(browser.get("/console/users"))


def test_sign_in_cookie_is_signed_httponly_strict_and_never_shows_the_key(console_server: LiveServer,
                                                                         clients: list[httpx.Client]) -> None:
    browser = httpx.Client(base_url=console_server.base_url)
    clients.append(browser)
    form = browser.get("/console/signin")
    answer = browser.post("/console/signin", data={"csrf": token(form), "project_id": console_server.project.id,
                                                   "api_key": console_server.api_key})
    cookie = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("recallr_console="))
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/console" in cookie
    assert console_server.api_key not in answer.headers["location"]
    for path in ("/console/users", "/console/settings"):
        page = browser.get(path)
        assert page.status_code == 200 and console_server.api_key not in page.text
        assert "default-src 'none'" in page.headers["content-security-policy"]
    value = browser.cookies["recallr_console"]
    browser.cookies.set("recallr_console", value[:-2] + ("AA" if not value.endswith("AA") else "BB"), path="/console")
    assert browser.get("/console/users").headers["location"].startswith("/console/signin")  # altered: refused


@pytest.mark.parametrize("headers", [
    pytest.param({}, id="no-token"),
    pytest.param({"Origin": "https://evil.example"}, id="cross-origin"),
])
def test_changes_need_the_csrf_token_and_our_origin(console_server: LiveServer, headers: dict[str, str],
                                                    clients: list[httpx.Client]) -> None:
    browser, csrf = signed_in(console_server, clients)
    data: dict[str, Any] = {"name": "instruments", "description": "Instruments"}
    if headers:
        data["csrf"] = csrf
    answer = browser.post("/console/settings/categories", data=data, headers=headers)
    assert answer.status_code == 403 and "instruments" not in {c.name for c in console_server.engine.categories.all(
        console_server.project.id)}
    _, foreign = signed_in(console_server, clients)  # a token from another sign-in does not fit this one
    assert browser.post("/console/signout", data={"csrf": foreign}).status_code == 403


def test_sign_in_form_itself_needs_its_token(console_server: LiveServer) -> None:
    answer = httpx.post(f"{console_server.base_url}/console/signin",
                        data={"project_id": console_server.project.id, "api_key": console_server.api_key})
    assert answer.status_code == 403 and "recallr_console=" not in answer.headers.get("set-cookie", "")


@pytest.mark.parametrize(("method", "path", "data", "status"), [
    pytest.param("GET", "/console/users?search=" + "x" * 201, None, 422, id="search-too-long"),
    pytest.param("GET", "/console/users?offset=-1", None, 422, id="negative-offset"),
    pytest.param("POST", "/console/users/u/context", {"question": "q" * 2001, "strategy": "balanced"}, 422,
                 id="question-too-long"),
    pytest.param("POST", "/console/users/u/context", {"question": "q" * 100_000, "strategy": "balanced"}, 413,
                 id="question-100k"),
    pytest.param("POST", "/console/users/u/context", {"question": "hi", "strategy": "fastest"}, 422,
                 id="unknown-strategy"),
    pytest.param("POST", "/console/settings/categories", {"blob": "x" * 70_000}, 413, id="form-over-64k"),
    pytest.param("GET", "/console/users/nobody", None, 404, id="unknown-user"),
    pytest.param("GET", "/console/users/u/sessions/nope", None, 404, id="unknown-session"),
])
def test_odd_input_gets_a_clear_4xx(console_server: LiveServer, method: str, path: str, data: Any,
                                    status: int, clients: list[httpx.Client]) -> None:
    console_server.engine.users.create(console_server.project.id, "u")
    browser, csrf = signed_in(console_server, clients)
    answer = browser.request(method, path, data={**data, "csrf": csrf} if data else None)
    assert answer.status_code == status, answer.text[:300]
    assert answer.text and "Traceback" not in answer.text


def test_signin_bounds_and_wrong_key(console_server: LiveServer, clients: list[httpx.Client]) -> None:
    browser = httpx.Client(base_url=console_server.base_url)
    clients.append(browser)
    wrong = "rai_" + "w" * 43
    answer = browser.post("/console/signin", data={"csrf": token(browser.get("/console/signin")),
                                                   "project_id": console_server.project.id, "api_key": wrong})
    assert answer.status_code == 401 and "Wrong project ID or API key" in answer.text and wrong not in answer.text
    huge = browser.post("/console/signin", data={"csrf": token(answer), "project_id": "p" * 5000, "api_key": "k"})
    assert huge.status_code == 422 and "Project ID must be at most" in huge.text


def test_console_can_be_turned_off(tmp_path: Path) -> None:
    engine = Engine(make_settings(tmp_path / "d", console=False), embedder=shared_embedder())
    try:
        app = create_app(engine)
        assert not [r for r in app.routes if getattr(r, "path", "").startswith("/console")]
    finally:
        engine.close()


def test_serve_has_a_no_console_flag() -> None:
    from click.testing import CliRunner

    from recallr.cli import main

    assert "--no-console" in CliRunner().invoke(main, ["serve", "--help"]).output
