"""Reads the console needs, added to the public API: user search and counts, a session's summary."""

from __future__ import annotations

import pytest

from recallr import RecallrAI
from recallr.exceptions import ValidationError
from recallr.models import MessageRole


def test_search_matches_id_email_and_names_in_any_case_and_counts(client: RecallrAI) -> None:
    client.create_user("alice-1", email="Alice@Example.com")
    client.create_user("bob", first_name="Roberto", last_name="Smith")
    client.create_user("sure_1", last_name="100%_sure")  # ids may not hold % (README: Limits); names may
    carol = client.create_user("carol")
    session = carol.create_session(auto_process_after_seconds=None)
    session.add_message(role=MessageRole.USER, content="I live in Lisbon and I play the violin.")
    session.process(wait=True, timeout=60)
    carol.create_session(auto_process_after_seconds=None)

    def found(text: str) -> list[str]:
        return [u.user_id for u in client.list_users(limit=50, search=text).users]

    assert found("EXAMPLE.COM") == ["alice-1"]
    assert found("smith") == ["bob"] and found("robert") == ["bob"]
    assert found("%") == ["sure_1"] and found("_") == ["sure_1"]  # wildcards are literal
    assert found("0%_") == ["sure_1"] and found("a%e") == []
    assert found("nobody") == [] and client.list_users(search="nobody").total == 0
    page = client.list_users(limit=50, include_counts=True)
    counts = {u.user_id: (u.session_count, u.memory_count) for u in page.users}
    assert counts["bob"] == (0, 0)
    assert counts["carol"][0] == 2 and counts["carol"][1] >= 1
    assert client.list_users(limit=50).users[0].memory_count is None  # only when asked
    with pytest.raises(ValidationError):
        client.list_users(search="x" * 201)


def test_session_summary(client: RecallrAI) -> None:
    user = client.create_user("dana")
    session = user.create_session(auto_process_after_seconds=None)
    assert session.get_summary() is None
    session.add_message(role=MessageRole.USER, content="I adopted a cat named Miso and I work as a nurse in Oslo.")
    session.process(wait=True, timeout=60)
    summary = session.get_summary()
    assert summary and ("Miso" in summary or "nurse" in summary or "Oslo" in summary)
