"""The rows recall searches, with their vectors: memories, indexed messages and session summaries of one user.

Every memory row has the columns ``id, session_id, content, event_date_start, event_date_end, embedding,
chain_id, version_number, expired_at``; every message row ``id, session_id, content, ts, ts_end, embedding,
position, role``; every summary row ``id, session_id, content, session_date, session_end, embedding, sources``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .database import Tx
from .vector_indexes import MEMORIES, MESSAGES

_MEMORY = ("SELECT t.id AS id, t.session_id AS session_id, t.content AS content, "
           "t.event_date_start AS event_date_start, t.event_date_end AS event_date_end, t.embedding AS embedding, "
           "t.chain_id AS chain_id, t.version_number AS version_number, t.expired_at AS expired_at, "
           "t.created_at AS created_at FROM memories t")
_MESSAGE = ("SELECT m.id AS id, m.session_id AS session_id, m.content AS content, m.timestamp AS ts, "
            "m.timestamp AS ts_end, t.embedding AS embedding, m.position AS position, m.role AS role "
            "FROM message_vectors t JOIN messages m ON m.id = t.message_id")
_EXPIRED = f"{_MEMORY} WHERE t.user_id = ? AND t.expired_at IS NOT NULL"


def user_revision(tx: Tx, user_id: str) -> int:
    """Bumped by every write that changes what a recall can find (memories, summaries, indexed messages)."""
    return int(tx.scalar("SELECT memory_rev FROM users WHERE id = ?", [user_id]) or 0)


def user_memories(tx: Tx, user_id: str) -> list[Any]:
    """Every version of the user's memories, oldest first."""
    return tx.all(f"{_MEMORY} WHERE t.user_id = ? ORDER BY t.created_at, t.id", [user_id])


def user_messages(tx: Tx, user_id: str) -> list[Any]:
    """The user's indexed messages."""
    return tx.all(f"{_MESSAGE} WHERE t.user_id = ?", [user_id])


def user_summaries(tx: Tx, user_id: str) -> list[Any]:
    return tx.all("SELECT id, session_id, content, session_date, session_date AS session_end, embedding, sources "
                  "FROM session_summaries WHERE user_id = ?", [user_id])


def current_memories(tx: Tx, ids: Sequence[str]) -> list[Any]:
    where, params = _among("t.id", ids)
    return tx.all(f"{_MEMORY} WHERE {where} AND t.expired_at IS NULL", params)


def messages(tx: Tx, ids: Sequence[int]) -> list[Any]:
    """Indexed messages by id (ids of messages not indexed yet give nothing)."""
    where, params = _among("m.id", ids)
    return tx.all(f"{_MESSAGE} WHERE {where}", params)


def expired_memories(tx: Tx, user_id: str, chains: Sequence[str]) -> list[Any]:
    """The user's earlier versions in ``chains``."""
    where, params = _among("t.chain_id", chains)
    return tx.all(f"{_EXPIRED} AND {where}", [user_id, *params])


def nearest_memories(tx: Tx, user_id: str, vector: Any, *, limit: int, ef_search: int) -> list[Any]:
    """The user's current memories nearest to ``vector`` by cosine, through their own vector index if it exists
    (its predicate is this query's WHERE), else by an exact scan."""
    return tx.dialect.nearest(tx, f"{_MEMORY} WHERE {MEMORIES.where}", [user_id], column="t.vec", vector=vector,
                              limit=limit, ef_search=ef_search)


def nearest_messages(tx: Tx, user_id: str, vector: Any, *, limit: int, ef_search: int) -> list[Any]:
    """Like ``nearest_memories``, over the user's indexed messages."""
    return tx.dialect.nearest(tx, f"{_MESSAGE} WHERE {MESSAGES.where}", [user_id], column="t.vec", vector=vector,
                              limit=limit, ef_search=ef_search)


def nearest_expired(tx: Tx, user_id: str, vector: Any, *, limit: int) -> list[Any]:
    """The user's earlier versions nearest to ``vector`` (an exact scan: no index covers them)."""
    return tx.dialect.nearest(tx, _EXPIRED, [user_id], column="t.vec", vector=vector, limit=limit, ef_search=limit)


def _among(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    unique = list(dict.fromkeys(values))
    if not unique:
        return "1 = 0", []
    return f"{column} IN ({', '.join('?' for _ in unique)})", unique
