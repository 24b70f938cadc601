"""SessionEmbeddings: each distinct text of a processing run embedded once, in as few calls as possible."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from recallr.bootstrap import Engine
from recallr.engine.formation.categories import category_text
from recallr.engine.processing.pipeline import EMBED_CHUNK, Interrupted, Pipeline, SessionEmbeddings
from recallr.engine.processing.worker import Worker
from recallr.language.categories import DEFAULT_CATEGORIES
from recallr.settings import Settings
from recallr.types import MessageRole

from ..conftest import make_settings, shared_embedder


class Counting:
    """An embedder that records every call (the texts it was given), over a real or a fake model."""

    def __init__(self, inner: Any = None) -> None:
        self.inner = inner
        self.name, self.dim = (inner.name, inner.dim) if inner is not None else ("fake", 8)
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        if self.inner is not None:
            return np.asarray(self.inner.embed(texts))
        rows = [np.frombuffer(hashlib.sha256(t.encode()).digest()[:32], dtype=np.uint8)[:8].astype(np.float32)
                for t in texts]
        return np.stack([r / np.linalg.norm(r) for r in rows]) if rows else np.zeros((0, 8), np.float32)


def test_texts_wanted_are_embedded_with_the_first_read_each_once() -> None:
    model = Counting()
    embeddings = SessionEmbeddings(lambda: model)
    embeddings.want(["a", "b", "a"])
    assert model.calls == []  # wanting embeds nothing yet
    first = embeddings.vectors(["c", "a", "c"])
    assert model.calls == [["a", "b", "c"]]
    np.testing.assert_array_equal(first[0], first[2])
    np.testing.assert_array_equal(embeddings.vectors(["b"])[0], model.embed(["b"])[0])
    embeddings.flush()
    assert len(model.calls) == 2  # the read above and this test's own call: nothing embedded twice
    assert embeddings.vectors([]).shape == (0, 8)


def test_a_stopping_worker_stops_between_chunks() -> None:
    model = Counting()
    embeddings = SessionEmbeddings(lambda: model, stopping=lambda: bool(model.calls))
    embeddings.want(f"text {i}" for i in range(EMBED_CHUNK + 5))
    with pytest.raises(Interrupted):
        embeddings.flush()
    assert [len(c) for c in model.calls] == [EMBED_CHUNK]


def _process(engine: Engine, worker: Worker, project_id: str, user: str, *texts: str) -> None:
    session = engine.sessions.create(project_id, user, auto_process_after_seconds=None)
    for n, text in enumerate(texts):
        role = MessageRole.ASSISTANT if n % 2 else MessageRole.USER
        engine.sessions.add_message(project_id, user, session.id, role=role, content=text)
    engine.sessions.process(project_id, user, session.id)
    assert worker.run_once()


def _message_vectors(engine: Engine) -> dict[str, np.ndarray]:
    with engine.db.read() as tx:
        rows = tx.all("SELECT m.content, v.embedding FROM message_vectors v JOIN messages m ON m.id = v.message_id")
    return {row["content"]: np.frombuffer(bytes(row["embedding"]), dtype=np.float32) for row in rows}


def test_a_session_is_embedded_in_one_call(tmp_path: Path) -> None:
    """Messages no memory was drawn from, memories, the summary and (the first time) the category texts: one call,
    each text once."""
    model = Counting(shared_embedder())
    engine = Engine(make_settings(tmp_path / "d"), embedder=model)
    try:
        project, _ = engine.projects.create()
        engine.users.create(project.id, "u")
        worker = engine.worker()
        messages = ("I have a dog named Rex.", "Lovely name!", "I have a dog named Rex.", "Noted.")
        _process(engine, worker, project.id, "u", *messages)
        [call] = model.calls
        assert len(call) == len(set(call))
        assert {category_text(c) for c in DEFAULT_CATEGORIES} <= set(call)
        assert {"Lovely name!", "Noted.", "User has a dog named Rex."} <= set(call)
        assert "I have a dog named Rex." not in call  # its memory stands for it
        _process(engine, worker, project.id, "u", "I work as a nurse.", "Thank you for your service.")
        assert len(model.calls) == 2 and not {category_text(c) for c in DEFAULT_CATEGORIES} & set(model.calls[1])
    finally:
        engine.close()


@pytest.mark.parametrize("formation_first", [pytest.param(False, id="offline-order"),
                                             pytest.param(True, id="llm-order")])
def test_a_message_said_in_memories_is_searched_through_them(settings: Settings, formation_first: bool) -> None:
    """Its stored vector is the normalised mean of its memories' vectors (weighted by length); any other message
    has its own (whichever stage prepares first: LLM mode forms memories before it indexes messages), in SQLite and
    in PostgreSQL."""
    model = Counting(shared_embedder())
    engine = Engine(settings, embedder=model)
    try:
        project, _ = engine.projects.create()
        engine.users.create(project.id, "u")
        stages = engine.pipeline().stages
        worker = Worker(engine.db, engine.settings, Pipeline(stages[::-1] if formation_first else stages),
                        embedder=lambda: engine.embedder)
        said = "I live in Lisbon and I work as a nurse."
        _process(engine, worker, project.id, "u", said, "Sounds lovely.")
        with engine.db.read() as tx:
            memories = [row["content"] for row in tx.all("SELECT content FROM memories")]
        assert len(memories) == 2 and not any(said in call for call in model.calls)
        mean = (model.inner.embed(memories) * np.array([[len(m)] for m in memories])).sum(axis=0)
        stored = _message_vectors(engine)
        np.testing.assert_allclose(stored[said], mean / np.linalg.norm(mean), atol=1e-6)
        np.testing.assert_allclose(stored["Sounds lovely."], model.inner.embed(["Sounds lovely."])[0], atol=1e-6)
    finally:
        engine.close()
