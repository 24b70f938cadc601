"""The worker: claims queued sessions with a lease, runs the pipeline, retries, gives up after N attempts.

Runs as a thread inside ``recallr serve`` and the embedded client, or as ``recallr worker``
processes; all coordinate only through the database, so any number can run at once.

The lease is renewed while the work runs (``Heartbeat``), so slow work is not taken over by a second worker.
Attempts are accounted by how they end:

* an error while processing: a failed attempt; the session is retried, and ``failed`` after ``max_attempts``;
* the database became unavailable: the attempt is given back (``LeaseQueue.release``) as soon as the database
  answers again, so outages never push a session towards ``failed``;
* the worker is stopping (``stop()``, at the embedded client's exit or ``recallr serve``'s shutdown): the pipeline
  stops before its next stage and the attempt is given back at once; an attempt already writing its results
  finishes;
* the worker vanished (killed, out of memory): its lease runs out with nothing recorded and the next claim counts
  it in ``crashes``, not ``attempts``; after ``max_crashes`` such losses the session is ``failed`` (a session that
  kills its worker every time must not be retried forever).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from functools import partial

from ...embedding import Embedder
from ...exceptions import ServiceUnavailableError
from ...settings import Settings
from ...store import Database, Tx, now_us
from ...store import conflicts as conflict_store
from ...store import messages as message_store
from ...store import projects as project_store
from ...store import sessions as session_store
from ...store import users as user_store
from ...store.conflicts import ConflictRecord
from ...store.leases import LeaseQueue
from ...store.records import SessionRecord, to_dt
from ..resources.categories import project_categories
from ..resources.conflicts import Resolution, apply_resolution
from ..telemetry import NoTelemetry, Telemetry
from .heartbeat import Heartbeat
from .pipeline import Interrupted, Pipeline, ProcessingContext
from .vector_indexes import VectorIndexes

log = logging.getLogger("recallr.worker")
ORPHAN_CHECK_SECONDS = 300.0  # how often a worker drops the vector indexes of deleted users (a catalog query)
STOP_SECONDS = 30.0  # how long stop() waits for the current attempts to finish or be given back


class Worker:
    """Processes queued sessions one at a time.

    Example::

        worker = engine.worker()
        worker.run_once()      # process at most one session now
        worker.start()         # or keep going in a background thread
    """

    def __init__(self, db: Database, settings: Settings, pipeline: Pipeline, *,
                 wake: threading.Event | None = None, owner: str | None = None,
                 embedder: Callable[[], Embedder] | None = None,
                 resolver: Callable[[ConflictRecord], Resolution | None] | None = None,
                 vector_indexes: VectorIndexes | None = None, telemetry: Telemetry | None = None) -> None:
        self.db = db
        self.telemetry = telemetry or NoTelemetry()
        self.vector_indexes = vector_indexes  # per-user HNSW indexes (PostgreSQL), kept up after each session
        self.embedder = embedder
        self.resolver = resolver  # reads answers to LLM-written questions (may call the model: outside any lock)
        self.settings = settings
        self.pipeline = pipeline
        self.wake = wake or threading.Event()
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        # Each loop's thread and an event set when it has ended. stop() waits on the events, not on Thread.join:
        # a join interrupted by a signal (Ctrl-C) can leave Thread.is_alive() False while the thread still runs.
        self._loops: list[tuple[threading.Thread, threading.Event]] = []
        self._next_maintenance = 0.0
        self._next_orphan_check = 0.0  # at start, then every ORPHAN_CHECK_SECONDS
        self._unreleased: list[tuple[str, Callable[[Tx], bool]]] = []  # outage-cut attempts not yet given back
        self._unreleased_lock = threading.Lock()

    def maintain(self) -> None:
        """Queue idle sessions for auto-processing; now and then, drop the vector indexes of deleted users."""
        with self.db.write() as tx:
            session_store.queue_idle_sessions(tx, min_seconds=self.settings.min_auto_process_seconds)
        if self.vector_indexes is not None and time.monotonic() >= self._next_orphan_check:
            self._next_orphan_check = time.monotonic() + ORPHAN_CHECK_SECONDS
            for line in self.vector_indexes.drop_orphans():
                log.info("%s", line)

    def claim(self) -> SessionRecord | None:
        with self.db.read() as tx:  # cheap look first: idle workers must not hold the write lock
            if not session_store.QUEUE.has_claimable(tx):
                return None
        with self.db.write() as tx:
            return session_store.claim_session(tx, owner=self.owner, lease_seconds=self.settings.lease_seconds,
                                               max_crashes=self.settings.max_crashes)

    def run_once(self) -> bool:
        """Maintain, then claim and process one session. Returns whether a session was processed."""
        self.release_pending()
        now = time.monotonic()
        if now >= self._next_maintenance:
            self.maintain()
            self._next_maintenance = now + max(1.0, self.settings.worker_poll_seconds)
        if self.resolve_one():
            return True
        session = self.claim()
        if session is None:
            return False
        self.attempt(session_store.QUEUE, "session", session.id, lambda: self.process(session))
        if not self._stop.is_set():  # a build can take a while; the next session of the user does it otherwise
            self.index_vectors(session.user_id)
        return True

    def index_vectors(self, user_id: str) -> None:
        """Build, refresh or drop the user's own vector indexes as their new size requires (PostgreSQL)."""
        if self.vector_indexes is None:
            return
        try:
            for line in self.vector_indexes.maintain(user_id):
                log.info("%s", line)
        except ServiceUnavailableError:
            raise
        except Exception:
            # Recall stays correct without the index (the user is searched in process), and the next session of the
            # user, or `recallr vector-indexes`, tries again: a failed build must not stop the worker.
            log.exception("keeping the vector indexes of user %s failed", user_id)

    def attempt(self, queue: LeaseQueue, kind: str, ident: str, work: Callable[[], bool]) -> None:
        """Run ``work`` on a claimed session or merge conflict (``queue`` is its lease queue), keeping the lease
        alive meanwhile. An outage or a stop gives the attempt back; any other error is a failed attempt. ``work``
        returns False when it found its lease lost. Each ending is reported to telemetry (``kind``: ``session`` or
        ``merge_conflict``)."""
        name = f"{kind.replace('_', ' ')} {ident}"
        renew = partial(queue.renew, ident=ident, owner=self.owner, lease_seconds=self.settings.lease_seconds)
        started = time.perf_counter()
        try:
            with Heartbeat(self.db, renew, lease_seconds=self.settings.lease_seconds, name=name):
                done = work()
            self.telemetry.attempt(kind, "succeeded" if done else "lost", time.perf_counter() - started)
        except ServiceUnavailableError:
            self.telemetry.attempt(kind, "released", time.perf_counter() - started)
            log.warning("the database became unavailable while working on %s; giving it back", name)
            self.release_later(name, partial(queue.release, ident=ident, owner=self.owner))
        except Interrupted:
            self.telemetry.attempt(kind, "released", time.perf_counter() - started)
            with self.db.write() as tx:
                released = queue.release(tx, ident, self.owner)
            log.info("the worker is stopping: %s %s", name, "is queued again" if released else "was lost meanwhile")
        except Exception as error:
            self.telemetry.attempt(kind, "failed", time.perf_counter() - started, reason=type(error).__name__)
            log.exception("working on %s failed", name)
            with self.db.write() as tx:
                status = queue.fail(tx, ident, self.owner, error=f"{type(error).__name__}: {error}",
                                    max_attempts=self.settings.max_attempts)
            if status == "failed" and kind == "session":
                self.telemetry.sessions_failed(1)
            log.info("%s is now %s", name, status or "another worker's")

    def process(self, session: SessionRecord) -> bool:
        """Run the pipeline over a claimed session and write its results; False if the lease was lost."""
        with self.db.read() as tx:
            user = user_store.get_user_by_id(tx, session.user_id)
            if user is None:
                return True  # deleted meanwhile: nothing to do
            project = project_store.get_project(tx, user.project_id)
            messages = message_store.all_messages(tx, session.id)
            categories = project_categories(tx, user.project_id)
        ctx = ProcessingContext(project=project, user=user, session=session,  # type: ignore[arg-type]
                                messages=messages, categories=categories, stopping=self._stop.is_set)
        self.pipeline.prepare(ctx)
        with self.db.write() as tx:
            tx.dialect.lock_user(tx, session.user_id)  # first, so every writer of this user locks in one order
            if not session_store.owns_lease(tx, session.id, self.owner):
                log.warning("lost the lease on session %s; another worker will finish it", session.id)
                return False
            self.pipeline.write(tx, ctx)
            session_store.finish_session(tx, session.id, self.owner)
        self.telemetry.messages_processed(len(messages))
        return True

    def resolve_one(self) -> bool:
        """Resolve one answered merge conflict, if any is waiting."""
        with self.db.read() as tx:
            if not conflict_store.QUEUE.has_claimable(tx):
                return False
        with self.db.write() as tx:
            conflict = conflict_store.claim(tx, owner=self.owner, lease_seconds=self.settings.lease_seconds,
                                            max_crashes=self.settings.max_crashes)
        if conflict is None:
            return False
        self.attempt(conflict_store.QUEUE, "merge_conflict", conflict.id, lambda: self.resolve(conflict))
        return True

    def resolve(self, conflict: ConflictRecord) -> bool:
        """Apply a claimed conflict's answers, unless its lease was lost meanwhile (then False)."""
        resolution = self.resolver(conflict) if self.resolver is not None else None
        content = resolution.content if resolution is not None and resolution.content else \
            conflict.proposed.content
        vector = self.embedder().embed([content])[0] if self.embedder else None
        with self.db.write() as tx:
            if not conflict_store.QUEUE.owns(tx, conflict.id, self.owner):
                log.warning("lost the lease on merge conflict %s; another worker will resolve it", conflict.id)
                return False
            session = session_store.get_session_by_id(tx, conflict.session_id)
            real = now_us()
            now = session.clock(real) if session is not None else to_dt(real)
            apply_resolution(tx, conflict, now, vector, resolution)  # type: ignore[arg-type]
        return True

    def release_later(self, name: str, release: Callable[[Tx], bool]) -> None:
        """Give back an attempt the database cut short, now if it answers again, else at the start of a later
        round. Should the worker stop first, the lease simply runs out and the attempt counts as a crash."""
        with self._unreleased_lock:
            self._unreleased.append((name, release))
        try:
            self.release_pending()
        except ServiceUnavailableError:
            log.warning("the database is still unavailable; %s will be given back when it answers", name)

    def release_pending(self) -> None:
        """Give back every attempt cut short by an outage; raises ``ServiceUnavailableError`` (keeping them) if the
        database is still away."""
        with self._unreleased_lock:
            pending, self._unreleased = self._unreleased, []
        if not pending:
            return
        try:
            with self.db.write() as tx:
                released = [name for name, release in pending if release(tx)]
        except ServiceUnavailableError:
            with self._unreleased_lock:
                self._unreleased.extend(pending)
            raise
        for name in released:
            log.info("%s is queued again; the attempt the outage interrupted does not count", name)

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except ServiceUnavailableError:
                log.warning("the database is unavailable; trying again in %.1f s", self.settings.worker_poll_seconds)
                busy = False
            except Exception:
                log.exception("worker loop error")
                busy = False
            if not busy:
                self.wake.wait(self.settings.worker_poll_seconds)
                self.wake.clear()

    def _loop(self, ended: threading.Event) -> None:
        try:
            self.run_forever()
        finally:
            ended.set()

    def start(self) -> None:
        """Run ``worker_concurrency`` loops in daemon threads."""
        for i in range(self.settings.worker_concurrency):
            ended = threading.Event()
            thread = threading.Thread(target=self._loop, args=(ended,), name=f"recallr-worker-{i}", daemon=True)
            thread.start()
            self._loops.append((thread, ended))

    @property
    def stopping(self) -> bool:
        """Whether ``stop()`` was called: the loops claim nothing more."""
        return self._stop.is_set()

    def stop(self, timeout: float = STOP_SECONDS) -> bool:
        """Stop claiming; each loop finishes its current attempt or gives it back (queued again at once, no attempt
        used) and ends. Waits up to ``timeout`` seconds for the loops; returns whether all of them ended."""
        self._stop.set()
        self.wake.set()
        deadline = time.monotonic() + timeout
        for thread, ended in self._loops:
            if ended.wait(max(0.0, deadline - time.monotonic())):
                thread.join(max(0.0, deadline - time.monotonic()))  # only the loop's last lines are left
        self._loops = [(thread, ended) for thread, ended in self._loops if not ended.is_set()]
        if self._loops:
            log.warning("%d worker loops still busy after %.0f s; their sessions are retried after the lease",
                        len(self._loops), timeout)
        return not self._loops
