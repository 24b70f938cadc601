"""One lease queue, used by sessions waiting to be processed and merge conflicts waiting to be resolved.

A row is claimable while it waits (``queued``) or while it is being worked on (``working``) under a lease that
has run out. Claiming leases it to one worker and counts an attempt; the worker then renews the lease while it
works, checks it still holds it before writing (``owns``), and ends the attempt in one of three ways:

* it finishes (the owning module's own ``finish``/``resolve`` write clears the lease);
* ``fail``: a failed attempt, queued again or failed for good once ``max_attempts`` are used up;
* ``release``: the attempt is given back uncounted (the database cut it short, or the worker is stopping).

If the worker vanishes (killed, out of memory) the lease runs out with no outcome recorded: the next claim moves
that attempt from ``attempts`` to ``crashes``, and a row that has used up ``max_crashes`` becomes failed
(``fail_crashed``) instead of being claimed again. Every statement names the lease owner, so a worker that lost
its lease (it ran out and another worker claimed the row) can change nothing.

Example::

    with db.write() as tx:
        ident = SESSIONS.claim(tx, owner="worker-1", lease_seconds=120)
    ...
    with db.write() as tx:
        SESSIONS.fail(tx, ident, "worker-1", error="ValueError: ...", max_attempts=3)
"""

from __future__ import annotations

from dataclasses import dataclass

from .database import Tx, now_us


@dataclass(frozen=True)
class LeaseQueue:
    """The lease columns of one table and the statuses its rows pass through (all names are constants of ours,
    never user input: they are formatted into SQL)."""

    table: str
    queued: str  # status of a row waiting for its (next) attempt
    working: str  # status of a row under a lease; may equal ``queued`` (sessions stay 'processing')
    failed: str  # status of a row that used up its attempts or crashes
    order_by: str  # oldest first: which claimable row is claimed next
    crash_error: str  # ``error`` of a row failed by crashes, before "N times (RECALLR_MAX_CRASHES)"
    failed_at: str | None = None  # a column stamped when the row becomes failed, if the table has one

    @property
    def _claimable(self) -> str:
        statuses = dict.fromkeys((self.queued, self.working))
        return (f"status IN ({', '.join(repr(s) for s in statuses)}) "
                "AND (lease_expires_at IS NULL OR lease_expires_at < ?)")

    def has_claimable(self, tx: Tx) -> bool:
        """Whether any row waits for a worker (a cheap read, so idle workers need not take the write lock)."""
        return tx.scalar(f"SELECT 1 FROM {self.table} WHERE {self._claimable} LIMIT 1", [now_us()]) is not None

    def claim(self, tx: Tx, *, owner: str, lease_seconds: float, max_crashes: int) -> str | None:
        """Lease the oldest claimable row to ``owner``, counting the attempt at once; returns its id, or None.

        A lease that ran out with ``lease_owner`` still set was a vanished worker's: that attempt is not counted
        twice (``attempts - 1 + 1``) but moves to ``crashes``. Rows that have used up ``max_crashes`` become failed
        first (``fail_crashed``), so a row that kills its worker every time is not retried forever.
        """
        self.fail_crashed(tx, max_crashes=max_crashes)
        now = now_us()
        row = tx.one(f"SELECT id FROM {self.table} WHERE {self._claimable} ORDER BY {self.order_by}, id LIMIT 1"
                     f"{tx.dialect.skip_locked}", [now])
        if row is None:
            return None
        tx.execute(
            f"UPDATE {self.table} SET status = ?, "
            "attempts = CASE WHEN lease_owner IS NULL THEN attempts + 1 ELSE attempts END, "
            "crashes = CASE WHEN lease_owner IS NULL THEN crashes ELSE crashes + 1 END, "
            "lease_owner = ?, lease_expires_at = ? WHERE id = ?",
            [self.working, owner, now + int(lease_seconds * 1_000_000), row["id"]],
        )
        return str(row["id"])

    def owns(self, tx: Tx, ident: str, owner: str) -> bool:
        """Whether ``owner`` still holds the lease; if so the row stays locked until ``tx`` ends, so another worker
        cannot claim it (its lease having expired meanwhile) while this one writes the results."""
        cur = tx.execute(f"UPDATE {self.table} SET lease_owner = lease_owner WHERE id = ? AND lease_owner = ? "
                         "AND status = ?", [ident, owner, self.working])
        return bool(cur.rowcount)

    def renew(self, tx: Tx, ident: str, owner: str, *, lease_seconds: float) -> bool:
        """Extend ``owner``'s lease to ``lease_seconds`` from now; False if it is no longer ``owner``'s to extend."""
        cur = tx.execute(f"UPDATE {self.table} SET lease_expires_at = ? WHERE id = ? AND lease_owner = ? "
                         "AND status = ?", [now_us() + int(lease_seconds * 1_000_000), ident, owner, self.working])
        return bool(cur.rowcount)

    def release(self, tx: Tx, ident: str, owner: str) -> bool:
        """Give a claimed row back, unworked, without counting the attempt its claim counted.

        For attempts the database cut short (an outage says nothing about the row, so it must not bring it closer
        to failed) and for a worker that is stopping. The row is claimable again at once. Only the lease holder can
        give it back, and only once (the lease is cleared in the same statement), so a give-back retried after a
        lost commit acknowledgement does nothing. False if the lease was no longer ``owner``'s.
        """
        cur = tx.execute(f"UPDATE {self.table} SET status = ?, lease_owner = NULL, lease_expires_at = NULL, "
                         "attempts = attempts - 1 WHERE id = ? AND lease_owner = ? AND status = ? AND attempts > 0",
                         [self.queued, ident, owner, self.working])
        return bool(cur.rowcount)

    def fail(self, tx: Tx, ident: str, owner: str, *, error: str, max_attempts: int) -> str | None:
        """Record a failed attempt: queued again, or failed once attempts are used up. Returns the new status, or
        None if ``owner`` no longer holds the lease (the attempt is then another worker's to settle)."""
        attempts = tx.scalar(f"SELECT attempts FROM {self.table} WHERE id = ? AND lease_owner = ?", [ident, owner])
        if attempts is None:
            return None
        status = self.failed if attempts >= max_attempts else self.queued
        stamped = self.failed_at is not None and status == self.failed
        stamp = f", {self.failed_at} = ?" if stamped else ""
        params: list[object] = [status, error[:4000], *([now_us()] if stamped else []), ident, owner]
        cur = tx.execute(f"UPDATE {self.table} SET status = ?, error = ?, lease_owner = NULL, lease_expires_at = NULL"
                         f"{stamp} WHERE id = ? AND lease_owner = ?", params)
        return status if cur.rowcount else None

    def fail_crashed(self, tx: Tx, *, max_crashes: int) -> int:
        """Rows whose worker vanished for the ``max_crashes``-th time (a lease ran out with no outcome recorded)
        become failed; returns how many."""
        now = now_us()
        stamp, stamped = ("", []) if self.failed_at is None else (f", {self.failed_at} = ?", [now])
        cur = tx.execute(
            f"UPDATE {self.table} SET status = ?, lease_owner = NULL, lease_expires_at = NULL, crashes = crashes + 1, "
            f"error = ? || CAST(crashes + 1 AS TEXT) || ' times (RECALLR_MAX_CRASHES)'{stamp} "
            f"WHERE id IN (SELECT id FROM {self.table} WHERE status = ? AND lease_owner IS NOT NULL "
            f"AND lease_expires_at < ? AND crashes + 1 >= ?{tx.dialect.skip_locked})",
            [self.failed, self.crash_error, *stamped, self.working, now, max_crashes],
        )
        return int(cur.rowcount or 0)


SESSIONS = LeaseQueue(table="sessions", queued="processing", working="processing", failed="failed",
                      order_by="queued_at", crash_error="its worker stopped during processing ")
MERGE_CONFLICTS = LeaseQueue(table="merge_conflicts", queued="IN_QUEUE", working="RESOLVING", failed="FAILED",
                             order_by="created_at", crash_error="its worker stopped while resolving it ",
                             failed_at="resolved_at")
