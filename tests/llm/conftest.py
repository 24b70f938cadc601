"""Fixtures for LLM mode: the fake OpenAI-compatible server and embedded clients pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recallr import RecallrAI
from tests.conftest import shared_embedder

from .fake_openai import FakeLLM
from .scripted import ScriptedModel

MODEL = "fake-model"


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeLLM]:
    with FakeLLM() as fake:
        yield fake


@pytest.fixture
def fake_llm(fake_server: FakeLLM) -> Iterator[FakeLLM]:
    """The fake server, emptied of scripts and recordings for this test."""
    fake_server.reset()
    yield fake_server
    fake_server.reset()


@pytest.fixture
def model(fake_llm: FakeLLM) -> ScriptedModel:
    """The scripted model answering every task (tests add rules to it)."""
    scripted = ScriptedModel()
    fake_llm.responder = scripted
    return scripted


def llm_client(data_dir: Path, database_url: str | None, fake: FakeLLM, **settings: Any) -> RecallrAI:
    """Our SDK, embedded, in LLM mode against the fake server (fast retries, shared embedder)."""
    values: dict[str, Any] = {"llm_base_url": fake.url, "llm_model": MODEL, "llm_api_key": "sk-test",
                              "llm_timeout_seconds": 5, "worker_poll_seconds": 0.05, "min_auto_process_seconds": 0,
                              "database_url": database_url}
    values.update(settings)
    client = RecallrAI.embedded(data_dir, **values)
    client._embedded.engine._embedder = shared_embedder()
    return client


@pytest.fixture
def client(tmp_path: Path, database_url: str | None, fake_llm: FakeLLM) -> Iterator[RecallrAI]:
    with llm_client(tmp_path / "data", database_url, fake_llm) as c:
        yield c


def process(session: Any, timeout: float = 30) -> Any:
    """Process a session and wait until it is processed or failed; returns the session as it ended."""
    session.process(wait=True, timeout=timeout, poll_interval=0.05)
    return session


def conversation(user: Any, *texts: str, **create: Any) -> Any:
    """A session of ``user`` with ``texts`` alternating user/assistant turns (user first)."""
    session = user.create_session(auto_process_after_seconds=None, **create)
    for i, text in enumerate(texts):
        session.add_message("user" if i % 2 == 0 else "assistant", text)
    return session
