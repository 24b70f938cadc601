"""Recall for very large users (PostgreSQL): their vectors stay in the database; each query loads its candidates.

Most users are searched exactly, in process: their vectors are loaded once into a matrix and cached
(``index.py``). That stops paying for a user with tens of thousands of memories: loading them costs a quarter of
a second at 10,000 and two seconds at 100,000 on every replica that serves the user after each change, and the
matrix costs each replica ~1.5 kB per row. A user whose current memories (or indexed messages) reach
``RECALLR_ANN_MIN_MEMORIES`` therefore gets a partial HNSW index over just their rows (kept up by
``engine/processing/vector_indexes.py``, run by the worker after each session it processes, and by
``recallr vector-indexes``), and recall asks that index for each query's nearest rows instead (``narrow``). A
partial index per user, not one over everyone: a shared graph must be walked through every other user's rows to
find the asking user's, which is slow and loses recall for
any user holding a small share of the table.

The index ranks by cosine; recall ranks by centred similarity, ``cos(x, q) - x . mean`` (index.py), which for
unit rows is ``x . (q - mean)``: asking the index for the rows nearest to ``q - mean`` gives centred similarity's
ranking exactly, so both paths agree up to the index's recall (``benchmarks/ann.py`` measures it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from ...store import Tx
from ...store import search_rows as rows
from ...store.vector_indexes import MEMORIES, MESSAGES
from .index import Corpus, UserIndex, joined, memory_corpus, message_corpus

MAX_EF_SEARCH = 1000  # pgvector's upper bound for hnsw.ef_search


def ef_search(pool: int, breadth: int) -> int:
    """HNSW search breadth for ``pool`` candidates: twice the pool (0.99 of exact's top rows in benchmarks/ann.py),
    at least ``breadth`` (RECALLR_ANN_EF_SEARCH)."""
    return min(MAX_EF_SEARCH, max(breadth, 2 * pool))


def narrow(tx: Tx, user_id: str, index: UserIndex, queries: np.ndarray, *, pool: int, message_pool: int,
           breadth: int, memory_hits: list[Any], message_hits: list[Any]) -> UserIndex:
    """A copy of ``index`` whose windowed corpora hold this query's candidates: the rows nearest to each query
    by centred similarity (the main query, row 0, takes ``pool`` memories and ``message_pool`` messages; the others
    half the pool of memories), and the full-text hits."""
    memories, messages = index.memories, index.messages  # resident corpora stay as they are
    dim = queries.shape[1]
    if MEMORIES.name in index.centers:
        center = index.centers[MEMORIES.name]
        found = []
        for j, query in enumerate(queries):
            limit = pool if j == 0 else pool // 2
            found += rows.nearest_memories(tx, user_id, query - center, limit=limit,
                                           ef_search=ef_search(limit, breadth))
        memories = _window(memory_corpus(_with(tx, rows.current_memories, found, memory_hits), dim), center)
    if MESSAGES.name in index.centers:
        center = index.centers[MESSAGES.name]
        found = rows.nearest_messages(tx, user_id, queries[0] - center, limit=message_pool,
                                      ef_search=ef_search(message_pool, breadth))
        messages = _window(message_corpus(_with(tx, rows.messages, found, message_hits), dim), center)
    return replace(index, memories=memories, messages=messages)


def include(tx: Tx, index: UserIndex, ids: list[str]) -> None:
    """Add the current memories ``ids`` that a narrowed index lacks (connected memories of the best hits)."""
    missing = [ident for ident in dict.fromkeys(ids) if index.memories.row_of(ident) is None]
    if missing and MEMORIES.name in index.centers:
        more = memory_corpus(rows.current_memories(tx, missing), index.memories.matrix.shape[1])
        index.memories = joined(index.memories, more)


def past(tx: Tx, user_id: str, index: UserIndex, chains: set[str], main: np.ndarray) -> None:
    """Load into a narrowed index the earlier versions recall may show: those of the found memories' chains and
    the five nearest to the query (an exact scan: a user's expired versions are few next to their memories)."""
    if MEMORIES.name not in index.centers:
        return
    found = [*rows.expired_memories(tx, user_id, sorted(chains)), *rows.nearest_expired(tx, user_id, main, limit=5)]
    index.expired = memory_corpus(list({row["id"]: row for row in found}.values()), len(main))


def _with(tx: Tx, load: Callable[[Tx, list[Any]], list[Any]], found: list[Any], ids: list[Any]) -> list[Any]:
    """``found`` without repeats, then the rows of ``ids`` it lacks (read with ``load``)."""
    unique = {row["id"]: row for row in found}
    missing = [ident for ident in dict.fromkeys(ids) if ident not in unique]
    if missing:
        unique.update((row["id"], row) for row in load(tx, missing))
    return list(unique.values())


def _window(corpus: Corpus, center: np.ndarray) -> Corpus:
    corpus.center = center
    return corpus
