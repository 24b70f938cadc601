"""Recall for very large users (PostgreSQL): their vectors stay in the database; each query loads its candidates.

Most users are searched exactly, in process: their vectors are loaded once into a matrix and cached
(``index.py``). That stops paying for a user with tens of thousands of memories: loading them costs a quarter of
a second at 10,000 and two seconds at 100,000 on every replica that serves the user after each change, and the
matrix costs each replica ~1.5 kB per row. A user whose current memories (or indexed messages) reach
``RECALLR_ANN_MIN_MEMORIES`` therefore gets a partial HNSW index over just their rows (``VectorIndexes``, run by
the worker after each session it processes, and by ``recallr vector-indexes``), and recall asks that index for
each query's nearest rows instead (``narrow``). A partial index per user, not one over everyone: a shared graph
must be walked through every other user's rows to find the asking user's, which is slow and loses recall for
any user holding a small share of the table.

The index ranks by cosine; recall ranks by centred similarity, ``cos(x, q) - x . mean`` (index.py), which for
unit rows is ``x . (q - mean)``: asking the index for the rows nearest to ``q - mean`` gives centred similarity's
ranking exactly, so both paths agree up to the index's recall (``benchmarks/ann.py`` measures it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from ...store import Database, Tx
from ...store import search_rows as rows
from ...store import vector_indexes as vector_store
from ...store.vector_indexes import CORPORA, INDEX_PREFIX, MEMORIES, MESSAGES, VectorCorpus
from .index import Corpus, UserIndex, joined, memory_corpus, message_corpus

log = logging.getLogger("recallr.vector_indexes")

REFRESH_SHARE = 0.02  # recompute a corpus mean once the user's rows changed by this share
MAX_EF_SEARCH = 1000  # pgvector's upper bound for hnsw.ef_search
_BY_NAME = {corpus.name: corpus for corpus in CORPORA}


class VectorIndexes:
    """Keeps a partial HNSW index for every user past ``min_rows`` rows in a corpus (PostgreSQL).

    Example::

        indexes = VectorIndexes(engine.db, min_rows=10_000)
        indexes.maintain(user_id)    # after the user's session was processed
        indexes.sweep()              # every user: build what is missing, drop what is no longer needed
    """

    def __init__(self, db: Database, *, min_rows: int) -> None:
        self.db = db
        self.min_rows = min_rows

    @property
    def enabled(self) -> bool:
        return self.min_rows > 0 and self.db.dialect.vector_indexes

    def maintain(self, user_id: str) -> list[str]:
        """Build, refresh or drop the user's indexes as their size now requires; returns what was done.

        An index is dropped only when the user falls below half of ``min_rows``, so a user near the
        threshold does not have theirs rebuilt again and again.
        """
        if not self.enabled:
            return []
        with self.db.read() as tx:
            records = vector_store.for_user(tx, user_id)
            counts = {corpus.name: corpus.count(tx, user_id) for corpus in CORPORA}
        done: list[str] = []
        for corpus in CORPORA:
            count, record = counts[corpus.name], records.get(corpus.name)
            if record is None and count >= self.min_rows:
                self._build(user_id, corpus)
                done.append(f"built {corpus.index_name(user_id)} ({corpus.name} of user {user_id}: {count:,} rows)")
            elif record is not None and count < self.min_rows // 2:
                self._drop(user_id, corpus)
                done.append(f"dropped {record.index_name} ({corpus.name} of user {user_id}: {count:,} rows)")
            elif record is not None and abs(count - record.row_count) > REFRESH_SHARE * max(1, record.row_count):
                self._record(user_id, corpus)
                done.append(f"refreshed the mean of {record.index_name} ({count:,} rows)")
        return done

    def sweep(self, *, progress: Callable[[int, int], None] | None = None) -> list[str]:
        """Every user: build missing indexes, refresh means, drop the indexes of users that shrank or are gone
        (all of them when ``min_rows`` is 0). ``progress(done, total)`` is called as users are maintained."""
        if not self.db.dialect.vector_indexes:
            return []
        with self.db.read() as tx:
            records = vector_store.all_records(tx)
            large = {user for corpus in CORPORA if self.enabled
                     for user in vector_store.users_with_at_least(tx, corpus, self.min_rows)}
        done: list[str] = []
        if self.enabled:
            users = sorted(large | {r.user_id for r in records})
            for n, user in enumerate(users, 1):
                done += self.maintain(user)
                if progress is not None:
                    progress(n, len(users))
        else:
            for record in records:
                self._drop(record.user_id, _BY_NAME[record.corpus])
                done.append(f"dropped {record.index_name} (RECALLR_ANN_MIN_MEMORIES is 0)")
        return done + self.drop_orphans(every=not self.enabled)

    def drop_orphans(self, *, every: bool = False) -> list[str]:
        """Drop the indexes of users that no longer exist (``every``: all indexes without a record); the worker
        runs this every few minutes."""
        if not self.db.dialect.vector_indexes:
            return []
        with self.db.read() as tx:
            owners = tx.dialect.vector_index_owners(tx, INDEX_PREFIX)
            alive = vector_store.existing_users(tx, sorted(set(owners.values())))
            recorded = {r.index_name for r in vector_store.all_records(tx)} if every else set()
        done = []
        for name, user in sorted(owners.items()):
            if user not in alive or (every and name not in recorded):
                with self.db.outside_transaction() as tx:
                    tx.dialect.drop_vector_index(tx, name)
                done.append(f"dropped {name} (no user needs it)")
        return done

    def _build(self, user_id: str, corpus: VectorCorpus) -> None:
        with self.db.write() as tx:  # rows written before the vector column existed, or loaded in bulk
            tx.dialect.fill_vectors(tx, corpus.table, key=corpus.key, user_id=user_id)
        with self.db.outside_transaction() as tx:
            tx.dialect.build_vector_index(tx, corpus.index_name(user_id), corpus.table, user_id=user_id,
                                          current_only=corpus.current_only)
        self._record(user_id, corpus)
        log.info("built the %s vector index of user %s", corpus.name, user_id)

    def _record(self, user_id: str, corpus: VectorCorpus) -> None:
        with self.db.write() as tx:
            center = tx.dialect.vector_mean(tx, corpus.table, where=corpus.where, params=[user_id])
            if center is not None:
                vector_store.save(tx, user_id, corpus, row_count=corpus.count(tx, user_id), center=center)

    def _drop(self, user_id: str, corpus: VectorCorpus) -> None:
        with self.db.write() as tx:  # first: recall stops asking for the index before it goes
            vector_store.delete(tx, user_id, corpus)
        with self.db.outside_transaction() as tx:
            tx.dialect.drop_vector_index(tx, corpus.index_name(user_id))


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
