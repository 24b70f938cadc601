"""Session processing as a list of stages, written in one transaction.

Each stage computes in ``prepare`` (outside any write transaction: embeddings, extraction)
and persists in ``write`` (inside the single transaction that also marks the session
processed). A crash or a lost lease before that commit leaves nothing behind, and a retry
starts from the same inputs, so it reaches the same result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, cast

import numpy as np

from ...embedding import Embedder
from ...language.secrets import redact
from ...store import Tx
from ...store import messages as message_store
from ...store.records import MessageRecord, ProjectRecord, SessionRecord, UserRecord

T = TypeVar("T")

EMBED_CHUNK = 128  # texts embedded between two looks at whether the worker is stopping


class Output(Generic[T]):
    """A typed key for one stage's output: ``ctx.hand_on(KEY, value)`` in ``prepare``, ``ctx.output(KEY)`` in
    ``write``. Each stage names its own frozen dataclass, so a hand-off is checked by mypy, not by convention.

    Example::

        >>> INDEXED = Output[IndexedMessages]("index_messages")
        >>> INDEXED
        Output('index_messages')
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Output({self.name!r})"


@dataclass
class ProcessingContext:
    """Everything a stage may read about the session being processed, and what stages hand on."""

    project: ProjectRecord
    user: UserRecord
    session: SessionRecord
    messages: list[MessageRecord]
    categories: list[Any] = field(default_factory=list)  # the project's memory categories
    stopping: Callable[[], bool] = field(default=lambda: False)  # the worker is stopping: give the attempt back
    _outputs: dict[Output[Any], Any] = field(default_factory=dict, repr=False)
    _embeddings: SessionEmbeddings | None = field(default=None, repr=False)

    def embeddings(self, embedder: Callable[[], Embedder]) -> SessionEmbeddings:
        """This run's embeddings, shared by every stage (made with ``embedder`` by the first stage that asks)."""
        if self._embeddings is None:
            self._embeddings = SessionEmbeddings(embedder, stopping=self.stopping)
        return self._embeddings

    def embed_wanted(self) -> None:
        """Embed what the stages asked for and have not read yet (``Pipeline.prepare`` does, after the stages)."""
        if self._embeddings is not None:
            self._embeddings.flush()

    def hand_on(self, key: Output[T], value: T) -> None:
        """Keep a stage's output for its ``write`` (and for any later stage that knows the key)."""
        self._outputs[key] = value

    def output(self, key: Output[T]) -> T:
        """A stage's output; ``KeyError`` when that stage has not prepared."""
        return cast(T, self._outputs[key])


class Interrupted(Exception):  # a signal, not an error: it never leaves the worker
    """Raised between stages when ``ctx.stopping()``: the worker gives the unfinished attempt back."""


class SessionEmbeddings:
    """The vectors of one processing run: each distinct text embedded once, in as few calls as possible.

    Stages ``want`` the texts they will need while they prepare and read them with ``vectors``; the first read
    embeds everything wanted so far in one go (messages, memories and the summary of a session together, so the
    embedder sorts and batches them as one), and ``Pipeline.prepare`` embeds what is left once every stage has
    prepared. A text said twice (a memory worded like its message, a repeated line) is embedded once. Texts are sent
    in chunks of ``EMBED_CHUNK``, looking at ``stopping()`` between two: a stopping worker waits for one chunk (about
    a second), not for a whole long session. A text's vector does not depend on the others embedded with it.

    Example::

        embeddings = SessionEmbeddings(lambda: embedder)
        embeddings.want(["User lives in Lisbon.", "I live in Lisbon."])
        embeddings.vectors(["User lives in Lisbon."])  # embeds both texts, in one call
    """

    def __init__(self, embedder: Callable[[], Embedder], *, stopping: Callable[[], bool] = lambda: False) -> None:
        self.embedder = embedder  # resolved on first use: the model loads only when there is work
        self.stopping = stopping
        self._vectors: dict[str, np.ndarray] = {}
        self._wanted: dict[str, None] = {}  # insertion-ordered set of texts not embedded yet
        self._later: list[Callable[[], Iterable[str]]] = []  # texts known once later stages have prepared

    def want(self, texts: Iterable[str]) -> None:
        """Texts a stage will read later: embedded with the next ``vectors`` or ``flush``, not now."""
        for text in texts:
            if text not in self._vectors:
                self._wanted[text] = None

    def want_later(self, texts: Callable[[], Iterable[str]]) -> None:
        """Texts that depend on what later stages prepare: ``texts()`` is asked at the next ``vectors`` or
        ``flush``, so they still go in the same call as the texts wanted by then."""
        self._later.append(texts)

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text, in order, embedding (with them) every text wanted so far."""
        if not texts:
            return np.zeros((0, self.embedder().dim), np.float32)
        self.want(texts)
        self.flush()
        return np.stack([self._vectors[t] for t in texts])

    def flush(self) -> None:
        """Embed every wanted text; raises ``Interrupted`` between chunks once ``stopping()``."""
        later, self._later = self._later, []
        for texts in later:
            self.want(texts())
        todo = list(self._wanted)
        for start in range(0, len(todo), EMBED_CHUNK):
            if start and self.stopping():
                raise Interrupted(f"stopping after {start} of {len(todo)} texts embedded")
            chunk = todo[start:start + EMBED_CHUNK]
            for text, vector in zip(chunk, self.embedder().embed(chunk), strict=True):
                self._vectors[text] = vector
                del self._wanted[text]


class Stage(Protocol):
    name: str

    def prepare(self, ctx: ProcessingContext) -> None:
        """Compute this stage's output and keep it with ``ctx.hand_on`` (no writes)."""

    def write(self, tx: Tx, ctx: ProcessingContext) -> None:
        """Persist this stage's output (``ctx.output``) inside the session's transaction."""


@dataclass(frozen=True)
class StandIns:
    """Texts that stand for messages in dense search, by message position: the memories a message was turned into.

    A stage that forms memories hands them on (``STAND_INS``) before it embeds anything; ``IndexMessages`` then
    gives such a message the normalised mean of its memories' vectors, weighted by their length (as the message's
    own vector pools its tokens), instead of embedding the message itself. The memories hold what recall searches
    a message for, and their vectors are made anyway: a message said in memories costs no model run of its own
    (on LoCoMo, 0.65 of the messages and 0.75 of their tokens)."""

    texts: dict[int, list[str]]


STAND_INS = Output[StandIns]("message_stand_ins")


@dataclass(frozen=True)
class IndexedMessages:
    """``IndexMessages``' output: each message's redacted text (its vector is read from the run's embeddings)."""

    texts: list[str]


INDEXED = Output[IndexedMessages | None]("index_messages")


class IndexMessages:
    """Make the session's messages searchable: one embedding each plus the full-text index.

    Both are made from the text with its secrets redacted (``recallr.language.secrets``): a password said
    in a message cannot be searched for, and never reaches a remote embedding endpoint. A message that memories
    stand for (``StandIns``) is searched densely through their vectors, and its own text is not embedded; the
    others' vectors are made with the rest of the session's (``SessionEmbeddings``), before the write.
    """

    name = "index_messages"

    def __init__(self, embedder: Callable[[], Embedder]) -> None:
        self.embedder = embedder  # resolved on first use: the model loads only when there is work

    def prepare(self, ctx: ProcessingContext) -> None:
        texts = [redact(m.content) for m in ctx.messages]
        if texts:  # asked at the first embedding, once formation has said which messages its memories stand for
            ctx.embeddings(self.embedder).want_later(lambda: [t for _, t in self._own(ctx, texts)])
        ctx.hand_on(INDEXED, IndexedMessages(texts) if texts else None)

    def write(self, tx: Tx, ctx: ProcessingContext) -> None:
        indexed = ctx.output(INDEXED)
        if indexed is not None:
            embeddings = ctx.embeddings(self.embedder)
            said = _stand_ins(ctx)
            vectors = np.zeros((len(ctx.messages), embeddings.embedder().dim), np.float32)
            own = self._own(ctx, indexed.texts)
            if own:
                vectors[[n for n, _ in own]] = embeddings.vectors([t for _, t in own])
            for n, message in enumerate(ctx.messages):
                if message.position in said:
                    vectors[n] = _pooled(said[message.position], embeddings.vectors(said[message.position]))
            message_store.index_messages(tx, ctx.user.id, ctx.messages, vectors, texts=indexed.texts)

    @staticmethod
    def _own(ctx: ProcessingContext, texts: list[str]) -> list[tuple[int, str]]:
        """(index, text) of the messages embedded themselves: those no memory stands for."""
        said = _stand_ins(ctx)
        return [(n, t) for n, (m, t) in enumerate(zip(ctx.messages, texts, strict=True)) if m.position not in said]


def _pooled(texts: list[str], vectors: np.ndarray) -> np.ndarray:
    """The unit mean of ``vectors`` weighted by their texts' lengths (LoCoMo evidence recall 0.843 against 0.842 for
    a plain mean; a message's own vector is at cosine 0.73 from it, 0.72 from a plain mean)."""
    mean = (vectors * np.array([len(t) for t in texts], np.float32)[:, None]).sum(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


def _stand_ins(ctx: ProcessingContext) -> dict[int, list[str]]:
    try:
        return ctx.output(STAND_INS).texts
    except KeyError:  # no stage formed memories: every message is embedded itself
        return {}


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
        ctx.embed_wanted()  # what the stages only wanted: embedded now, not under the write lock

    def write(self, tx: Tx, ctx: ProcessingContext) -> None:
        for stage in self.stages:
            stage.write(tx, ctx)
