"""The SDK's public methods have their real types for mypy and editors (``client/_surface.py``, generated)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SNIPPET = '''
from collections.abc import AsyncIterator, Iterator
from typing import assert_type

from recallr import AsyncRecallrAI, RecallrAI
from recallr.client import AsyncSession, AsyncUser, Session, User
from recallr.client.conflicts import AsyncMergeConflict, MergeConflict
from recallr.models import (Category, ContextResponse, ProjectSettings, SessionMessagesList, UserMemoriesList,
                            UserMemoryItem, UserMessagesList)


def sync(client: RecallrAI) -> None:
    user = client.create_user("alice")
    assert_type(user, User)
    assert_type(client.get_user("alice"), User)
    assert_type(client.list_users().users, list[User])
    assert_type(client.list_users_chunked(), Iterator[list[User]])
    assert_type(client.list_categories(), list[Category])
    assert_type(client.get_project(), ProjectSettings)
    session = user.create_session()
    assert_type(session, Session)
    assert_type(user.list_sessions().sessions, list[Session])
    assert_type(session.get_context(), ContextResponse)
    assert_type(session.get_context_stream(), Iterator[ContextResponse])
    assert_type(session.get_messages(), SessionMessagesList)
    assert_type(session.get_summary(), str | None)
    assert_type(user.list_memories(), UserMemoriesList)
    assert_type(user.get_memory("m"), UserMemoryItem)
    assert_type(user.get_merge_conflict("c"), MergeConflict)
    assert_type(user.list_merge_conflicts().conflicts, list[MergeConflict])
    assert_type(user.get_last_n_messages(3), UserMessagesList)
    assert_type(user.export(), bytes | int)


async def asynchronous(client: AsyncRecallrAI) -> None:
    user = await client.create_user("alice")
    assert_type(user, AsyncUser)
    assert_type((await client.list_users()).users, list[AsyncUser])
    assert_type(client.list_users_chunked(), AsyncIterator[list[AsyncUser]])
    session = await user.create_session()
    assert_type(session, AsyncSession)
    assert_type(await session.get_context(), ContextResponse)
    assert_type(session.get_context_stream(), AsyncIterator[ContextResponse])
    assert_type(await user.get_merge_conflict("c"), AsyncMergeConflict)
    assert_type(await user.export(), bytes | int)
    await session.process(wait=True)
'''


def test_the_checked_in_surface_is_generated_from_the_current_sdk() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "sdk_surface.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_mypy_sees_the_real_result_types(tmp_path: Path) -> None:
    # In a subprocess: mypy raises the interpreter's recursion limit for good, which would change how deep JSON
    # every later test in this process can parse.
    (tmp_path / "snippet.py").write_text(textwrap.dedent(SNIPPET))
    env = {**os.environ, "MYPYPATH": str(ROOT / "src")}  # this tree's recallr, whatever the environment installed
    done = subprocess.run([sys.executable, "-m", "mypy", str(tmp_path / "snippet.py"), "--python-version", "3.11",
                           "--no-error-summary", "--cache-dir", str(ROOT / ".mypy_cache"),
                           "--config-file", str(ROOT / "pyproject.toml")], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
