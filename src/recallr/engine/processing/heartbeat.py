"""Keeping a worker's lease alive while it works.

A lease on a session or merge conflict says "a worker is on this; retry it after this time". Work that outlasts
the lease (a long session extracted by an LLM, say) would otherwise be claimed and redone by a second worker, and
the first would only learn at write time that the row is no longer its own. A ``Heartbeat`` renews the lease every
third of its length while the work runs, so a live worker keeps its claim however long it takes, while a dead
worker's claim still runs out within ``lease_seconds``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from ...store import Database, Tx

log = logging.getLogger("recallr.worker")


class Heartbeat:
    """Renews one lease every ``lease_seconds / 3``, from a daemon thread, until the ``with`` block ends.

    ``renew(tx)`` extends the lease inside a short write transaction of its own and returns whether it was still
    held; once it returns False (another worker took over) renewing stops. A renewal that raises (the database is
    unavailable, a lock wait timed out) is logged and tried again at the next beat: it never interrupts the work,
    whose write transaction checks the lease anyway.

    Example::

        renew = lambda tx: leases.SESSIONS.renew(tx, session_id, owner, lease_seconds=120)
        with Heartbeat(db, renew, lease_seconds=120, name=f"session {session_id}"):
            pipeline.prepare(ctx)
    """

    def __init__(self, db: Database, renew: Callable[[Tx], bool], *, lease_seconds: float, name: str) -> None:
        self.db = db
        self.renew = renew
        self.interval = lease_seconds / 3
        self.name = name
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"recallr-heartbeat {name}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            while not self._done.wait(self.interval):
                if not self.beat():
                    return
        finally:
            self.db.close_thread_connection()  # a thread per claim: do not leave its connection behind

    def beat(self) -> bool:
        """Renew the lease once; False once it is lost (a failed renewal is logged and counts as still held)."""
        try:
            with self.db.write() as tx:
                held = self.renew(tx)
        except Exception:  # the work must go on: a missed beat only shortens the margin before the lease runs out
            log.warning("could not renew the lease on %s; trying again in %.1f s", self.name, self.interval,
                        exc_info=True)
            return True
        if not held:
            log.warning("the lease on %s is no longer ours; stopped renewing it", self.name)
        return held
