"""Per-user in-memory search indexes: exact dense search with numpy over cached matrices.

A user's current memories (and their earlier versions), session summaries and indexed messages are loaded
once and kept while the user's ``memory_rev`` (bumped by every write that changes memories) and message
count stay the same, so a recall costs one cheap revision check plus a matrix-vector product.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...store import Tx
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
            self._typicality = self.matrix @ self.matrix.mean(0) if len(self.ids) else np.zeros(0, np.float32)
        return self._typicality

    def cosine(self, vector: np.ndarray) -> np.ndarray:
        if not len(self.ids):
            return np.zeros(0, np.float32)
        return self.matrix @ vector  # type: ignore[no-any-return]


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


def load_user_index(tx: Tx, user_id: str, revision: int, dim: int) -> UserIndex:
    memory_cols = ("chain_id", "version_number", "expired_at")
    rows = tx.all("SELECT id, session_id, content, event_date_start, event_date_end, embedding, chain_id, "
                  "version_number, categories, expired_at, entities, created_at, subject FROM memories "
                  "WHERE user_id = ? ORDER BY created_at, id", [user_id])
    current = [r for r in rows if r["expired_at"] is None]
    old = [r for r in rows if r["expired_at"] is not None]
    summaries = tx.all("SELECT id, session_id, content, session_date, session_date AS session_end, embedding, sources "
                       "FROM session_summaries WHERE user_id = ?", [user_id])
    messages = tx.all("SELECT m.id AS id, m.session_id AS session_id, m.content AS content, m.timestamp AS ts, "
                      "m.timestamp AS ts_end, v.embedding AS embedding, m.position AS position, m.role AS role "
                      "FROM message_vectors v JOIN messages m ON m.id = v.message_id WHERE v.user_id = ?", [user_id])
    index = UserIndex(
        revision=revision,
        memories=_corpus(current, dim=dim, text="content", start="event_date_start", end="event_date_end",
                         extra=memory_cols),
        expired=_corpus(old, dim=dim, text="content", start="event_date_start", end="event_date_end",
                        extra=memory_cols),
        summaries=_corpus(summaries, dim=dim, text="content", start="session_date", end="session_end",
                          extra=("sources",)),
        messages=_corpus(messages, dim=dim, text="content", start="ts", end="ts_end", extra=("position", "role")),
    )
    sources = index.summaries.extra.column("sources")
    sources[:] = [load_json(value) for value in sources]
    return index


def user_revision(tx: Tx, user_id: str) -> int:
    """Bumped by every write that changes what a recall can find (memories, summaries, indexed messages)."""
    return int(tx.scalar("SELECT memory_rev FROM users WHERE id = ?", [user_id]) or 0)


class IndexCache:
    """Least-recently-used user indexes, valid while their revision holds."""

    def __init__(self, max_users: int = 64) -> None:
        self.max_users = max_users
        self._items: OrderedDict[str, UserIndex] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tx: Tx, user_id: str, dim: int) -> UserIndex:
        revision = user_revision(tx, user_id)
        with self._lock:
            cached = self._items.get(user_id)
            if cached is not None and cached.revision == revision:
                self._items.move_to_end(user_id)
                return cached
        fresh = load_user_index(tx, user_id, revision, dim)
        with self._lock:
            self._items[user_id] = fresh
            self._items.move_to_end(user_id)
            while len(self._items) > self.max_users:
                self._items.popitem(last=False)
        return fresh
