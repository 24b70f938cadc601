"""Console fixtures: a live server with data made through our SDK, and Debian's chromium driven by Playwright.

Browser tests skip with a loud notice when Playwright or /usr/bin/chromium is missing, and fail instead when
``RECALLR_REQUIRE_BROWSER=1`` or ``RECALLR_REQUIRE_POSTGRES=1`` (CI) is set. Never a downloaded browser build.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recallr import RecallrAI
from recallr.engine import Engine

from ..conftest import LiveServer, make_settings, shared_embedder

CHROMIUM = os.environ.get("RECALLR_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / ".pytest-artifacts"


def _missing_browser(reason: str) -> None:
    message = f"BROWSER TESTS NOT RUN: {reason} (Debian: apt-get install chromium; pip install playwright)"
    if os.environ.get("RECALLR_REQUIRE_BROWSER") == "1" or os.environ.get("RECALLR_REQUIRE_POSTGRES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """chromium for one test module: Playwright's sync API keeps an event loop running while it lives, which the
    embedded client's own loop in later test modules cannot share."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("the playwright package is not installed")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        _missing_browser(f"{CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, console_server: LiveServer) -> Iterator[Any]:
    """A fresh browser context (no cookies) that refuses every request leaving the console's server."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=console_server.base_url)
    outside: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(console_server.base_url + "/"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    yield tab
    context.close()
    assert outside == [], f"the console asked for assets elsewhere: {outside}"


@pytest.fixture
def console_server(tmp_path: Path, database_url: str | None) -> Iterator[LiveServer]:
    engine = Engine(make_settings(tmp_path / "data", database_url=database_url), embedder=shared_embedder())
    with LiveServer(engine) as server:
        yield server
    engine.close()


@pytest.fixture
def sdk(console_server: LiveServer) -> Iterator[RecallrAI]:
    with RecallrAI(console_server.api_key, console_server.project.id, base_url=console_server.base_url) as client:
        yield client


def sign_in(page: Any, project_id: str, api_key: str) -> None:
    page.goto("/console")
    page.get_by_label("Project ID").fill(project_id)
    page.get_by_label("API key").fill(api_key)
    page.get_by_role("button", name="Sign in").click()


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_load_state("load")  # console.js has put times in the browser's timezone
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
