"""Per-user in-memory search indexes: exact dense search with numpy over cached matrices.

A user's current memories (and their earlier versions), session summaries and indexed messages are loaded
once and kept while the user's ``memory_rev`` (bumped by every write that changes memories) and message
count stay the same, so a recall costs one cheap revision check plus a matrix-vector product.

A user with a vector index of their own (PostgreSQL, past ``RECALLR_ANN_MIN_MEMORIES``; ``windows.py``) is
the exception: their memories and messages are not loaded at all, only each query's candidates are.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...store import Tx
from ...store import search_rows as rows
from ...store import vector_indexes as vector_store
from ...store.records import load_json


class Columns:
    """Extra per-row values stored column-wise: ``columns[row]["name"]``.

    One list per column instead of one dict per row keeps a large user's index to a handful of objects the
    garbage collector has to scan, so collections stay short (10k dicts made recall's p95 spike by ~15 ms).
    """

    __slots__ = ("_data", "_size")

    def __init__(self, data: dict[str, list[Any]], size: int) -> None:
        self._data = data
        self._size = size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, row: int) -> dict[str, Any]:
        if not 0 <= row < self._size:
            raise IndexError(row)
        return {name: values[row] for name, values in self._data.items()}

    def column(self, name: str) -> list[Any]:
        return self._data[name]


@dataclass
class Corpus:
    """One kind of searchable item for one user: parallel arrays, row i is item i."""

    ids: list[Any]
    matrix: np.ndarray  # (n, dim) float32, unit rows
    start: np.ndarray  # event/session start, epoch µs
    end: np.ndarray  # event/session end, epoch µs
    session_ids: list[str]
    texts: list[str]
    extra: Columns
    center: np.ndarray | None = None  # the whole corpus's mean when this holds only some of its rows

    _position: dict[Any, int] | None = None
    _typicality: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def row_of(self, ident: Any) -> int | None:
        """The row of an item id (built once per cached corpus)."""
        if self._position is None:
            self._position = {i: n for n, i in enumerate(self.ids)}
        return self._position.get(ident)

    def typicality(self) -> np.ndarray:
        """Each row's dot product with the corpus mean (built once per cached corpus).

        Ranking by ``cosine - typicality`` is ranking by similarity after centring the corpus: what every item
        shares (the user's name, their usual topics) stops counting, so generic items stop crowding out the
        one that answers.
        """
        if self._typicality is None:
            center = self.center if self.center is not None else self.matrix.mean(0) if len(self.ids) else None
            self._typicality = self.matrix @ center if len(self.ids) else np.zeros(0, np.float32)
        return self._typicality

    def cosine(self, vector: np.ndarray) -> np.ndarray:
        if not len(self.ids):
            return np.zeros(0, np.float32)
        return self.matrix @ vector


def joined(first: Corpus, second: Corpus) -> Corpus:
    """The rows of ``first`` then those of ``second`` (rows of ``first`` keep their numbers)."""
    names = first.extra._data.keys()
    return Corpus(
        ids=first.ids + second.ids, matrix=np.vstack([first.matrix, second.matrix]),
        start=np.concatenate([first.start, second.start]), end=np.concatenate([first.end, second.end]),
        session_ids=first.session_ids + second.session_ids, texts=first.texts + second.texts,
        extra=Columns({k: first.extra.column(k) + second.extra.column(k) for k in names}, len(first) + len(second)),
        center=first.center,
    )


def _corpus(rows: list[Any], *, dim: int, text: str, start: str, end: str, extra: tuple[str, ...]) -> Corpus:
    usable = [r for r in rows if r["embedding"] is not None]
    matrix = (np.frombuffer(b"".join(r["embedding"] for r in usable), dtype=np.float32).reshape(len(usable), dim)
              if usable else np.zeros((0, dim), np.float32))
    return Corpus(
        ids=[r["id"] for r in usable], matrix=matrix,
        start=np.array([r[start] for r in usable], dtype=np.int64),
        end=np.array([r[end] for r in usable], dtype=np.int64),
        session_ids=[r["session_id"] for r in usable], texts=[r[text] for r in usable],
        extra=Columns({k: [r[k] for r in usable] for k in extra}, len(usable)),
    )


@dataclass
class UserIndex:
    revision: int
    memories: Corpus  # current versions
    expired: Corpus  # earlier versions, searched only when the query asks about the past
    summaries: Corpus
    messages: Corpus
    # corpus name -> mean vector, for corpora searched through the user's own vector index: those corpora above
    # are empty until a query fills them with its candidates (windows.narrow)
    centers: dict[str, np.ndarray] = field(default_factory=dict)


MEMORY_COLUMNS = ("chain_id", "version_number", "expired_at", "created_at")  # created_at: when it was said


def memory_corpus(rows: list[Any], dim: int) -> Corpus:
    """Memory rows (``store.search_rows``) as a corpus."""
    return _corpus(rows, dim=dim, text="content", start="event_date_start", end="event_date_end",
                   extra=MEMORY_COLUMNS)


def message_corpus(rows: list[Any], dim: int) -> Corpus:
    """Message rows (``store.search_rows``) as a corpus."""
    return _corpus(rows, dim=dim, text="content", start="ts", end="ts_end", extra=("position", "role"))


def load_user_index(tx: Tx, user_id: str, revision: int, dim: int,
                    windowed: dict[str, vector_store.VectorIndexRecord] | None = None) -> UserIndex:
    """Everything recall searches for the user, but for the ``windowed`` corpora (searched per query)."""
    windowed = windowed or {}
    memories = [] if vector_store.MEMORIES.name in windowed else rows.user_memories(tx, user_id)
    current = memory_corpus([r for r in memories if r["expired_at"] is None], dim)
    expired = memory_corpus([r for r in memories if r["expired_at"] is not None], dim)
    messages = message_corpus([] if vector_store.MESSAGES.name in windowed else rows.user_messages(tx, user_id), dim)
    summaries = rows.user_summaries(tx, user_id)
    index = UserIndex(
        revision=revision, memories=current, expired=expired, messages=messages,
        summaries=_corpus(summaries, dim=dim, text="content", start="session_date", end="session_end",
                          extra=("sources",)),
        centers={name: record.center for name, record in windowed.items()},
    )
    sources = index.summaries.extra.column("sources")
    sources[:] = [load_json(value) for value in sources]
    return index


class IndexCache:
    """Least-recently-used user indexes, valid while their revision holds."""

    def __init__(self, max_users: int = 64) -> None:
        self.max_users = max_users
        self._items: OrderedDict[str, UserIndex] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tx: Tx, user_id: str, dim: int) -> UserIndex:
        revision = rows.user_revision(tx, user_id)
        with self._lock:
            cached = self._items.get(user_id)
            if cached is not None and cached.revision == revision:
                self._items.move_to_end(user_id)
                return cached
        windowed = vector_store.for_user(tx, user_id) if tx.dialect.vector_indexes else {}
        fresh = load_user_index(tx, user_id, revision, dim, windowed)
        with self._lock:
            self._items[user_id] = fresh
            self._items.move_to_end(user_id)
            while len(self._items) > self.max_users:
                self._items.popitem(last=False)
        return fresh
