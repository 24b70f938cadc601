"""Our async SDK over both transports: the same operations, awaited."""

from __future__ import annotations

import asyncio

import pytest

from recallr import AsyncRecallrAI
from recallr.exceptions import InvalidSessionStateError, UserNotFoundError
from recallr.models import MessageRole, SessionStatus


async def test_async_flow(aclient: AsyncRecallrAI) -> None:
    user = await aclient.create_user("alice", metadata={"a": 1}, email="a@example.com")
    assert user.email == "a@example.com"
    await user.update(new_metadata={"a": 2})
    assert user.metadata == {"a": 2}
    session = await user.create_session(metadata={"t": "chat"})
    await session.add_message(role=MessageRole.USER, content="My dog is called Rex.")
    messages = await session.get_messages()
    assert messages.total == 1 and messages.messages[0].content == "My dog is called Rex."
    await session.process()
    with pytest.raises(InvalidSessionStateError):
        await session.add_message(MessageRole.USER, "late")
    for _ in range(400):
        await session.refresh()
        if session.status == SessionStatus.PROCESSED:
            break
        await asyncio.sleep(0.05)
    assert session.status == SessionStatus.PROCESSED
    listed = await user.list_sessions(status_filter=[SessionStatus.PROCESSED])
    assert [s.session_id for s in listed.sessions] == [session.session_id]
    last = await user.get_last_n_messages(1)
    assert last.messages[0].session_id == session.session_id
    await user.update(new_user_id="alice2")
    assert (await aclient.get_user("alice2")).user_id == "alice2"
    await user.delete()
    with pytest.raises(UserNotFoundError):
        await aclient.get_user("alice2")


async def test_async_chunks_and_pages(aclient: AsyncRecallrAI) -> None:
    for i in range(5):
        await aclient.create_user(f"u{i}")
    page = await aclient.list_users(limit=2)
    assert page.has_more and page.next_offset() == 2
    chunks = [chunk async for chunk in aclient.list_users_chunked(chunk_size=2)]
    assert [len(c) for c in chunks] == [2, 2, 1]
