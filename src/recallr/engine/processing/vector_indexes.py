"""Vector-index upkeep (PostgreSQL): a partial HNSW index per user past ``RECALLR_ANN_MIN_MEMORIES`` rows.

Run by the worker after each session it processes and by ``recallr vector-indexes``; recall reads the indexes
(``engine/recall/windows.py`` explains why one index per user and how a query uses it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from ...store import Database
from ...store import vector_indexes as vector_store
from ...store.vector_indexes import CORPORA, INDEX_PREFIX, VectorCorpus

log = logging.getLogger("recallr.vector_indexes")

REFRESH_SHARE = 0.02  # recompute a corpus mean once the user's rows changed by this share
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
