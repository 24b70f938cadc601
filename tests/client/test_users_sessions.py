"""Our SDK, sync, over both transports: users, sessions, messages, lifecycle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from recallr import RecallrAI
from recallr.exceptions import (
    InvalidSessionStateError,
    SessionNotFoundError,
    UserAlreadyExistsError,
    UserNotFoundError,
    ValidationError,
)
from recallr.models import MessageRole, SessionStatus

from ..conftest import wait_for


def test_user_crud_and_zep_fields(client: RecallrAI) -> None:
    user = client.create_user("alice", metadata={"plan": "pro"}, email="a@example.com", first_name="Alice",
                              last_name="Smith", merge_conflict_enabled=True)
    assert (user.user_id, user.metadata, user.email, user.first_name, user.last_name) == (
        "alice", {"plan": "pro"}, "a@example.com", "Alice", "Smith")
    assert user.merge_conflict_enabled is True
    assert user.created_at.tzinfo is not None and user.created_at.utcoffset() == timedelta(0)
    fetched = client.get_user("alice")
    assert fetched.email == "a@example.com"
    user.update(new_metadata={"plan": "free"}, first_name="Alicia", merge_conflict_enabled=None)
    assert user.metadata == {"plan": "free"} and user.first_name == "Alicia" and user.merge_conflict_enabled is None
    assert user.email == "a@example.com"
    fetched.refresh()
    assert fetched.metadata == {"plan": "free"}
    user.delete()
    with pytest.raises(UserNotFoundError, match="User alice not found"):
        client.get_user("alice")
    with pytest.raises(UserNotFoundError):
        fetched.refresh()


def test_duplicate_and_rename_conflicts(client: RecallrAI) -> None:
    a = client.create_user("a")
    client.create_user("b")
    with pytest.raises(UserAlreadyExistsError):
        client.create_user("a")
    with pytest.raises(UserAlreadyExistsError):
        a.update(new_user_id="b")


def test_rename_keeps_sessions_and_messages(client: RecallrAI) -> None:
    user = client.create_user("temp_guest")
    session = user.create_session(metadata={"k": 1})
    session.add_message(MessageRole.USER, "I love hiking.")
    user.update(new_user_id="registered")
    assert user.user_id == "registered"
    moved = client.get_user("registered").get_session(session.session_id)
    assert [m.content for m in moved.get_messages().messages] == ["I love hiking."]
    with pytest.raises(UserNotFoundError):
        client.get_user("temp_guest")


def test_list_users_pagination_filter_and_chunks(client: RecallrAI) -> None:
    for i in range(7):
        client.create_user(f"u{i}", metadata={"role": "admin" if i % 2 else "user", "i": i})
    page = client.list_users(offset=0, limit=3)
    assert page.total == 7 and page.has_more and page.has_more() and page.next_offset() == 3
    assert [u.user_id for u in page.users] == ["u0", "u1", "u2"]
    last = client.list_users(offset=6, limit=3)
    assert not last.has_more and last.next_offset() is None and len(last.users) == 1
    admins = client.list_users(metadata_filter={"role": "admin"})
    assert sorted(u.user_id for u in admins.users) == ["u1", "u3", "u5"] and admins.total == 3
    assert client.list_users(metadata_filter={"i": 4}).users[0].user_id == "u4"
    chunks = list(client.list_users_chunked(chunk_size=3))
    assert [len(c) for c in chunks] == [3, 3, 1]
    assert [u.user_id for c in chunks for u in c] == [f"u{i}" for i in range(7)]


def test_session_lifecycle(client: RecallrAI) -> None:
    user = client.create_user("bob")
    session = user.create_session(auto_process_after_seconds=600, metadata={"type": "chat"})
    assert session.status == SessionStatus.PENDING and session.metadata == {"type": "chat"}
    session.add_message(role=MessageRole.USER, content="Hello! I'm allergic to peanuts.")
    session.add_message(role=MessageRole.ASSISTANT, content="Noted, I'll remember that.")
    page = session.get_messages(offset=0, limit=1)
    assert page.total == 2 and page.has_more and page.messages[0].role == MessageRole.USER
    session.update(new_metadata={"type": "support"})
    assert session.metadata == {"type": "support"}
    session.process()
    with pytest.raises(InvalidSessionStateError):
        session.add_message(MessageRole.USER, "too late")
    with pytest.raises(InvalidSessionStateError):
        session.process()

    def processed() -> bool:
        session.refresh()
        return session.status == SessionStatus.PROCESSED

    wait_for(processed)
    assert session.processed_at is not None
    with pytest.raises(InvalidSessionStateError):
        session.add_message(MessageRole.USER, "still too late")


def test_list_sessions_filters(client: RecallrAI) -> None:
    user = client.create_user("carol")
    a = user.create_session(metadata={"channel": "web"})
    b = user.create_session(metadata={"channel": "sms"})
    b.add_message(MessageRole.USER, "hi")
    b.process()
    web = user.list_sessions(metadata_filter={"channel": "web"})
    assert [s.session_id for s in web.sessions] == [a.session_id]
    statuses = [SessionStatus.PROCESSING, SessionStatus.PROCESSED]
    busy = user.list_sessions(status_filter=statuses)
    assert [s.session_id for s in busy.sessions] == [b.session_id]
    both = user.list_sessions(status_filter=[SessionStatus.PENDING, *statuses], limit=1)
    assert both.total == 2 and both.has_more


def test_session_clock_follows_custom_created_at(client: RecallrAI) -> None:
    start = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)
    session = client.create_user("dave").create_session(custom_created_at_utc=start)
    assert session.created_at == start
    session.add_message(MessageRole.USER, "I went to a support group yesterday.")
    stamp = session.get_messages().messages[0].timestamp
    assert start <= stamp < start + timedelta(seconds=30)


def test_custom_created_at_must_be_utc(client: RecallrAI) -> None:
    user = client.create_user("erin")
    with pytest.raises(ValueError, match="timezone-aware"):
        user.create_session(custom_created_at_utc=datetime(2023, 1, 1))
    with pytest.raises(ValueError, match="UTC"):
        user.create_session(custom_created_at_utc=datetime(2023, 1, 1, tzinfo=UTC).astimezone(
            __import__("zoneinfo").ZoneInfo("Europe/Paris")))


def test_last_n_messages_span_sessions(client: RecallrAI) -> None:
    user = client.create_user("fay")
    first = user.create_session()
    first.add_message(MessageRole.USER, "one")
    first.add_message(MessageRole.ASSISTANT, "two")
    second = user.create_session()
    second.add_message(MessageRole.USER, "three")
    last = user.get_last_n_messages(n=2)
    assert [m.content for m in last.messages] == ["two", "three"]
    assert [m.session_id for m in last.messages] == [first.session_id, second.session_id]
    with pytest.raises(ValueError):
        user.get_last_n_messages(n=0)


def test_delete_session_and_user_remove_everything(client: RecallrAI) -> None:
    user = client.create_user("gus")
    session = user.create_session()
    session.add_message(MessageRole.USER, "hello there")
    session.delete()
    with pytest.raises(SessionNotFoundError, match=f"Session {session.session_id} not found"):
        user.get_session(session.session_id)
    with pytest.raises(SessionNotFoundError):
        session.add_message(MessageRole.USER, "x")
    assert user.get_last_n_messages(5).messages == []
    other = user.create_session()
    other.add_message(MessageRole.USER, "bye")
    user.delete()
    recreated = client.create_user("gus")
    assert recreated.list_sessions().total == 0 and recreated.get_last_n_messages(5).messages == []


def test_missing_user_on_session_calls(client: RecallrAI) -> None:
    user = client.create_user("hal")
    session = user.create_session()
    user.delete()
    with pytest.raises(UserNotFoundError):
        user.get_session(session.session_id)
    with pytest.raises(UserNotFoundError):
        session.add_message(MessageRole.USER, "x")
    with pytest.raises(UserNotFoundError):
        user.create_session()


@pytest.mark.parametrize(
    ("user_id", "metadata", "message"),
    [
        pytest.param("", {}, "user_id must be a non-empty string", id="empty-id"),
        pytest.param("x" * 256, {}, "at most 255", id="long-id"),
        pytest.param("ok", {"blob": "x" * 20000}, "limit is 16384", id="big-metadata"),
    ],
)
def test_user_validation(client: RecallrAI, user_id: str, metadata: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        client.create_user(user_id, metadata=metadata)


def test_message_validation(client: RecallrAI) -> None:
    session = client.create_user("ivy").create_session()
    with pytest.raises(ValidationError, match="non-empty"):
        session.add_message(MessageRole.USER, "   ")
    with pytest.raises(ValidationError, match="limit is 100000"):
        session.add_message(MessageRole.USER, "x" * 100_001)
    with pytest.raises(ValueError):
        session.add_message("robot", "hi")


def test_auto_process_idle_session(client: RecallrAI) -> None:
    session = client.create_user("jo").create_session(auto_process_after_seconds=1)
    session.add_message(MessageRole.USER, "I have two cats.")

    def processed() -> bool:
        session.refresh()
        return session.status == SessionStatus.PROCESSED

    wait_for(processed, timeout=20)
