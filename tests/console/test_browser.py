"""The console in a real browser (Debian's chromium via Playwright), on data made through our SDK."""

from __future__ import annotations

import re
import time
from typing import Any

from recallr import RecallrAI
from recallr.models import MessageRole

from ..conftest import LiveServer
from .conftest import screenshot, sign_in


def said(user: Any, *texts: str) -> Any:
    session = user.create_session(auto_process_after_seconds=None)
    for text in texts:
        session.add_message(role=MessageRole.USER, content=text)
    session.process(wait=True, timeout=60)
    return session


def wait_conflict(user: Any) -> None:
    deadline = time.monotonic() + 30
    while not user.list_merge_conflicts(status="PENDING").conflicts:
        assert time.monotonic() < deadline, "no merge conflict raised"
        time.sleep(0.05)


def test_console_end_to_end(page: Any, sdk: RecallrAI, console_server: LiveServer) -> None:
    user = sdk.create_user("alice", email="alice@example.com", first_name="Alice", last_name="Martin")
    said(user, "I live in Paris.", "My sister Emma is a painter.")
    moved = said(user, "I live in Berlin now.")
    user.update(merge_conflict_enabled=True)
    said(user, "I live in Madrid.")
    wait_conflict(user)
    pending = user.create_session(auto_process_after_seconds=None)
    pending.add_message(role=MessageRole.USER, content="I started learning the cello.")

    sign_in(page, console_server.project.id, console_server.api_key)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="alice"))
    assert "alice@example.com" in row.inner_text() and "Alice Martin" in row.inner_text()
    screenshot(page, "console-users")

    page.get_by_role("link", name="alice").click()
    memories = page.get_by_role("region", name="Memories")
    assert memories.get_by_role("heading", name="Memories").is_visible()
    berlin = memories.locator("li", has_text="lives in Berlin").first
    berlin.locator("summary").click()
    versions = berlin.locator("ol.versions")
    assert "Paris" in versions.inner_text()
    assert re.search(r"because\s+\S+", versions.inner_text())  # the expiry reason is shown
    screenshot(page, "console-user")

    berlin.locator("ul.sources a").first.click()
    highlighted = page.locator("li.message.highlighted")
    assert highlighted.count() == 1 and "I live in Berlin now." in highlighted.inner_text()
    assert moved.session_id in page.get_by_role("heading", level=1).inner_text()
    page.go_back()

    conflicts = page.get_by_role("region", name="Merge conflicts")
    form = conflicts.locator("form").first
    form.locator("input[type=radio]").first.check()
    form.get_by_role("button", name="Resolve").click()
    assert "merge conflict is now" in page.get_by_role("status").inner_text()
    assert user.list_merge_conflicts(status="PENDING").total == 0

    sessions = page.get_by_role("region", name="Sessions")
    sessions.get_by_role("button", name=re.compile("Process")).click()
    assert "queued for processing" in page.get_by_role("status").inner_text()

    page.get_by_label("Question").fill("Where do I live?")
    page.get_by_label("Strategy").select_option("balanced")
    page.get_by_role("button", name="Get context").click()
    result = page.get_by_role("region", name="Context result")
    assert "balanced" in result.locator(".strategy-used").inner_text()
    assert re.fullmatch(r"\d+ ms", result.locator(".latency").inner_text())
    context = result.locator("pre.context").inner_text()
    assert "Berlin" in context or "Madrid" in context
    assert result.locator("a", has_text="message").count() >= 1  # recalled memories' sources
    result.scroll_into_view_if_needed()
    screenshot(page, "console-context")
    assert [s.metadata for s in user.list_sessions(limit=50).sessions if s.metadata] == []  # scratch session gone

    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("button", name="Sign in").is_visible()
    page.goto("/console/users")
    assert page.get_by_role("button", name="Sign in").is_visible()


def test_wrong_key_is_refused(page: Any, sdk: RecallrAI, console_server: LiveServer) -> None:
    sdk.create_user("alice")
    sign_in(page, console_server.project.id, "rai_" + "x" * 43)
    assert "Wrong project ID or API key" in page.get_by_role("alert").inner_text()
    assert "rai_xxxx" not in page.content()
    assert not [c for c in page.context.cookies() if c["name"] == "recallr_console"]
    page.goto("/console/users")
    assert page.get_by_role("button", name="Sign in").is_visible()


def test_another_project_never_sees_these_users(page: Any, sdk: RecallrAI, console_server: LiveServer) -> None:
    sdk.create_user("alice")
    other, key = console_server.engine.projects.create("other")
    sign_in(page, other.id, key.api_key)
    assert page.get_by_role("heading", name="Users").is_visible()
    assert page.get_by_role("link", name="alice").count() == 0
    assert "No users yet" in page.locator(".empty").inner_text()
    page.goto("/console/users/alice")
    assert "User alice not found" in page.get_by_role("alert").inner_text()


def test_settings_and_phone_width(page: Any, sdk: RecallrAI, console_server: LiveServer) -> None:
    sign_in(page, console_server.project.id, console_server.api_key)
    page.get_by_role("link", name="Project settings").click()
    assert page.locator(".llm-state").inner_text() == "off"
    page.get_by_label("Name").fill("instruments")
    page.get_by_label("Description", exact=True).fill("Musical instruments the user plays")
    page.get_by_role("button", name="Add category").click()
    assert "Category added" in page.get_by_role("status").inner_text()
    assert [c.name for c in sdk.list_categories() if c.name == "instruments"] == ["instruments"]
    page.get_by_role("button", name="Remove instruments").click()
    assert [c.name for c in sdk.list_categories() if c.name == "instruments"] == []
    before = sdk.get_project().merge_conflicts_enabled
    page.get_by_role("button", name=re.compile("Turn merge conflicts")).click()
    assert sdk.get_project().merge_conflicts_enabled is (not before)
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Users").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than a phone
    screenshot(page, "console-phone")
