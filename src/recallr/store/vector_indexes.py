"""Per-user vector indexes: which users' memories and messages recall searches through an index of their own.

A user past ``RECALLR_ANN_MIN_MEMORIES`` rows in a corpus gets a partial HNSW index over just their rows
(PostgreSQL; built by ``engine.processing.vector_indexes.VectorIndexes``). This table records the indexes that are
built, with the corpus mean that centred ranking subtracts from every query. SQLite never has rows here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from .database import Tx, now_us


@dataclass(frozen=True)
class VectorCorpus:
    """A searchable table of vectors, one user's rows at a time."""

    name: str  # "memories" or "messages", as recorded in vector_indexes.corpus
    table: str
    key: str  # the column that identifies a row
    current_only: bool  # only rows still current (memories: expired_at IS NULL)

    @property
    def where(self) -> str:
        """The rows of one user (parameter: the user id), aliased ``t``: the user's index's predicate."""
        return "t.user_id = ?" + (" AND t.expired_at IS NULL" if self.current_only else "")

    def index_name(self, user_id: str) -> str:
        """The user's index on this corpus: a fixed name derived from the user id (at most 63 characters)."""
        return f"ann_{self.name}_{hashlib.sha1(user_id.encode()).hexdigest()[:32]}"

    def count(self, tx: Tx, user_id: str) -> int:
        return int(tx.scalar(f"SELECT COUNT(*) FROM {self.table} t WHERE {self.where}", [user_id]) or 0)


MEMORIES = VectorCorpus("memories", "memories", "id", current_only=True)
MESSAGES = VectorCorpus("messages", "message_vectors", "message_id", current_only=False)
CORPORA = (MEMORIES, MESSAGES)
INDEX_PREFIX = "ann_"


@dataclass(frozen=True)
class VectorIndexRecord:
    user_id: str
    corpus: str
    index_name: str
    row_count: int  # the user's rows when ``center`` was computed
    center: np.ndarray  # the mean of the user's vectors (float32)
    built_at: int


def _record(row: Any) -> VectorIndexRecord:
    return VectorIndexRecord(row["user_id"], row["corpus"], row["index_name"], int(row["row_count"]),
                             np.frombuffer(row["center"], dtype=np.float32).copy(), int(row["built_at"]))


def for_user(tx: Tx, user_id: str) -> dict[str, VectorIndexRecord]:
    """The user's built indexes by corpus name."""
    rows = tx.all("SELECT * FROM vector_indexes WHERE user_id = ?", [user_id])
    return {row["corpus"]: _record(row) for row in rows}


def all_records(tx: Tx) -> list[VectorIndexRecord]:
    return [_record(row) for row in tx.all("SELECT * FROM vector_indexes ORDER BY user_id, corpus")]


def save(tx: Tx, user_id: str, corpus: VectorCorpus, *, row_count: int, center: np.ndarray) -> None:
    """Record (or update) the user's index; in-process caches of the user reload in the new form."""
    tx.execute("INSERT INTO vector_indexes (user_id, corpus, index_name, row_count, center, built_at) "
               "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, corpus) DO UPDATE SET row_count = excluded.row_count, "
               "center = excluded.center, index_name = excluded.index_name",
               [user_id, corpus.name, corpus.index_name(user_id), row_count,
                np.asarray(center, dtype=np.float32).tobytes(), now_us()])
    tx.execute("UPDATE users SET memory_rev = memory_rev + 1 WHERE id = ?", [user_id])


def delete(tx: Tx, user_id: str, corpus: VectorCorpus) -> None:
    tx.execute("DELETE FROM vector_indexes WHERE user_id = ? AND corpus = ?", [user_id, corpus.name])
    tx.execute("UPDATE users SET memory_rev = memory_rev + 1 WHERE id = ?", [user_id])


def users_with_at_least(tx: Tx, corpus: VectorCorpus, rows: int) -> list[str]:
    """Users with at least ``rows`` rows in the corpus (a full scan: for sweeps, not per request)."""
    where = " WHERE t.expired_at IS NULL" if corpus.current_only else ""
    found = tx.all(f"SELECT t.user_id AS user_id FROM {corpus.table} t{where} GROUP BY t.user_id "
                   "HAVING COUNT(*) >= ?", [rows])
    return [row["user_id"] for row in found]


def existing_users(tx: Tx, user_ids: list[str]) -> set[str]:
    """Which of ``user_ids`` still exist."""
    if not user_ids:
        return set()
    marks = ", ".join("?" for _ in user_ids)
    return {row["id"] for row in tx.all(f"SELECT id FROM users WHERE id IN ({marks})", user_ids)}
