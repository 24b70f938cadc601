"""Session processing as a list of stages, written in one transaction.

Each stage computes in ``prepare`` (outside any write transaction: embeddings, extraction)
and persists in ``write`` (inside the single transaction that also marks the session
processed). A crash or a lost lease before that commit leaves nothing behind, and a retry
starts from the same inputs, so it reaches the same result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from ..embedding import Embedder
from ..language.secrets import redact
from ..store import Tx
from ..store import messages as message_store
from ..store.records import MessageRecord, ProjectRecord, SessionRecord, UserRecord

EMBED_CHUNK = 128  # messages embedded between two looks at whether the worker is stopping


@dataclass
class ProcessingContext:
    """Everything a stage may read about the session being processed, and what stages hand on."""

    project: ProjectRecord
    user: UserRecord
    session: SessionRecord
    messages: list[MessageRecord]
    categories: list[Any] = field(default_factory=list)  # the project's memory categories
    results: dict[str, Any] = field(default_factory=dict)
    stopping: Callable[[], bool] = field(default=lambda: False)  # the worker is stopping: give the attempt back


class Interrupted(Exception):  # a signal, not an error: it never leaves the worker
    """Raised between stages when ``ctx.stopping()``: the worker gives the unfinished attempt back."""


class Stage(Protocol):
    name: str

    def prepare(self, ctx: ProcessingContext) -> None:
        """Compute this stage's results into ``ctx.results`` (no writes)."""

    def write(self, tx: Tx, ctx: ProcessingContext) -> None:
        """Persist this stage's results inside the session's transaction."""


class IndexMessages:
    """Make the session's messages searchable: one embedding each plus the full-text index.

    Both are made from the text with its secrets redacted (``recallr.language.secrets``): a password said
    in a message cannot be searched for, and never reaches a remote embedding endpoint.
    """

    name = "index_messages"

    def __init__(self, embedder: Callable[[], Embedder]) -> None:
        self.embedder = embedder  # resolved on first use: the model loads only when there is work

    def prepare(self, ctx: ProcessingContext) -> None:
        texts = [redact(m.content) for m in ctx.messages]
        if not texts:
            ctx.results[self.name] = None
            return
        # In chunks, looking at ctx.stopping() between them: a stopping worker waits for one chunk (about a second),
        # not for a whole long session. A text's vector does not depend on the others embedded with it.
        chunks = []
        for start in range(0, len(texts), EMBED_CHUNK):
            if start and ctx.stopping():
                raise Interrupted(f"stopping after {start} of {len(texts)} messages embedded")
            chunks.append(self.embedder().embed(texts[start:start + EMBED_CHUNK]))
        ctx.results[self.name] = (texts, chunks[0] if len(chunks) == 1 else np.concatenate(chunks))

    def write(self, tx: Tx, ctx: ProcessingContext) -> None:
        if ctx.results[self.name] is not None:
            texts, vectors = ctx.results[self.name]
            message_store.index_messages(tx, ctx.user.id, ctx.messages, vectors, texts=texts)


class Pipeline:
    """The ordered stages a session goes through."""

    def __init__(self, stages: list[Stage]) -> None:
        self.stages = stages

    def prepare(self, ctx: ProcessingContext) -> None:
        """Run every stage's ``prepare``; raises ``Interrupted`` before a stage once ``ctx.stopping()``."""
        for stage in self.stages:
            if ctx.stopping():
                raise Interrupted(f"stopping before {stage.name}")
            stage.prepare(ctx)

    def write(self, tx: Tx, ctx: ProcessingContext) -> None:
        for stage in self.stages:
            stage.write(tx, ctx)
