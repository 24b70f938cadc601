"""The worker: claims queued sessions with a lease, runs the pipeline, retries, gives up after N attempts.

Runs as a thread inside ``recallr serve`` and the embedded client, or as ``recallr worker``
processes; all coordinate only through the database, so any number can run at once.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable

from ..embedding import Embedder
from ..settings import Settings
from ..store import Database, now_us
from ..store import conflicts as conflict_store
from ..store import messages as message_store
from ..store import projects as project_store
from ..store import sessions as session_store
from ..store import users as user_store
from ..store.conflicts import ConflictRecord
from ..store.records import SessionRecord, to_dt
from .catalog import project_categories
from .conflicts import Resolution, apply_resolution
from .pipeline import Pipeline, ProcessingContext

log = logging.getLogger("recallr.worker")


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
                 resolver: Callable[[ConflictRecord], Resolution | None] | None = None) -> None:
        self.db = db
        self.embedder = embedder
        self.resolver = resolver  # reads answers to LLM-written questions (may call the model: outside any lock)
        self.settings = settings
        self.pipeline = pipeline
        self.wake = wake or threading.Event()
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._next_maintenance = 0.0

    def maintain(self) -> None:
        """Queue idle sessions for auto-processing; fail sessions whose last attempt died."""
        with self.db.write() as tx:
            session_store.queue_idle_sessions(tx, min_seconds=self.settings.min_auto_process_seconds)
            session_store.fail_exhausted(tx, max_attempts=self.settings.max_attempts)

    def claim(self) -> SessionRecord | None:
        with self.db.read() as tx:  # cheap look first: idle workers must not hold the write lock
            if not session_store.has_claimable(tx):
                return None
        with self.db.write() as tx:
            return session_store.claim_session(tx, owner=self.owner, lease_seconds=self.settings.lease_seconds)

    def run_once(self) -> bool:
        """Maintain, then claim and process one session. Returns whether a session was processed."""
        now = time.monotonic()
        if now >= self._next_maintenance:
            self.maintain()
            self._next_maintenance = now + max(1.0, self.settings.worker_poll_seconds)
        if self.resolve_one():
            return True
        session = self.claim()
        if session is None:
            return False
        try:
            self.process(session)
        except Exception as error:
            log.exception("processing session %s failed (attempt %d)", session.id, session.attempts)
            with self.db.write() as tx:
                status = session_store.fail_attempt(tx, session.id, self.owner, error=f"{type(error).__name__}: "
                                                    f"{error}", max_attempts=self.settings.max_attempts)
            log.info("session %s is now %s", session.id, status)
        return True

    def process(self, session: SessionRecord) -> None:
        with self.db.read() as tx:
            user = user_store.get_user_by_id(tx, session.user_id)
            if user is None:
                return
            project = project_store.get_project(tx, user.project_id)
            messages = message_store.all_messages(tx, session.id)
            categories = project_categories(tx, user.project_id)
        ctx = ProcessingContext(project=project, user=user, session=session, messages=messages,  # type: ignore[arg-type]
                                categories=categories)
        self.pipeline.prepare(ctx)
        with self.db.write() as tx:
            tx.dialect.lock_user(tx, session.user_id)  # first, so every writer of this user locks in one order
            if not session_store.owns_lease(tx, session.id, self.owner):
                log.warning("lost the lease on session %s; another worker will finish it", session.id)
                return
            self.pipeline.write(tx, ctx)
            session_store.finish_session(tx, session.id, self.owner)

    def resolve_one(self) -> bool:
        """Resolve one answered merge conflict, if any is waiting."""
        with self.db.read() as tx:
            if not conflict_store.has_claimable(tx):
                return False
        with self.db.write() as tx:
            conflict = conflict_store.claim(tx, owner=self.owner, lease_seconds=self.settings.lease_seconds)
        if conflict is None:
            return False
        try:
            resolution = self.resolver(conflict) if self.resolver is not None else None
            content = resolution.content if resolution is not None and resolution.content else \
                conflict.proposed["content"]
            vector = self.embedder().embed([content])[0] if self.embedder else None
            with self.db.write() as tx:
                if conflict_store.owns(tx, conflict.id, self.owner):
                    offset = session_store.get_session_by_id(tx, conflict.session_id)
                    clock = offset.clock_offset_us if offset else 0
                    apply_resolution(tx, conflict, to_dt(now_us() + clock), vector,  # type: ignore[arg-type]
                                     resolution)
        except Exception as error:
            log.exception("resolving merge conflict %s failed", conflict.id)
            with self.db.write() as tx:
                conflict_store.fail_attempt(tx, conflict.id, error=f"{type(error).__name__}: {error}",
                                            max_attempts=self.settings.max_attempts)
        return True

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:
                log.exception("worker loop error")
                busy = False
            if not busy:
                self.wake.wait(self.settings.worker_poll_seconds)
                self.wake.clear()

    def start(self) -> None:
        """Run ``worker_concurrency`` loops in daemon threads."""
        for i in range(self.settings.worker_concurrency):
            thread = threading.Thread(target=self.run_forever, name=f"recallr-worker-{i}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
