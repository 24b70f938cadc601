"""The session clock: one function turns real time into a session's time, and a formation write uses one instant."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from recallr import RecallrAI
from recallr.store.records import SessionRecord, to_us

from ..conftest import shared_embedder

MONDAY = datetime(2023, 5, 8, 13, 56, tzinfo=UTC)


def _session(offset_us: int) -> SessionRecord:
    return SessionRecord("s", "u", "pending", {}, None, MONDAY, offset_us, MONDAY, None, 0, None, 0)


def test_the_clock_is_the_custom_start_plus_real_elapsed_time() -> None:
    real = to_us(datetime(2026, 1, 1, tzinfo=UTC))
    session = _session(to_us(MONDAY) - real)  # created "now" (real) with a custom start of MONDAY
    assert session.clock(real) == MONDAY
    assert session.clock(real + 90_000_000) == datetime(2023, 5, 8, 13, 57, 30, tzinfo=UTC)
    assert _session(0).clock(real) == datetime(2026, 1, 1, tzinfo=UTC)


def test_one_formation_write_stamps_one_instant(tmp_path: Path) -> None:
    with RecallrAI.embedded(tmp_path / "d", worker_poll_seconds=0.05) as client:
        client._embedded.engine._embedder = shared_embedder()
        user = client.create_user("alice")
        session = user.create_session(custom_created_at_utc=MONDAY)
        session.add_message(role="user", content="I moved to Lisbon last year and I work as a nurse.")
        session.add_message(role="user", content="My sister Ana lives in Porto.")
        session.process(wait=True)
        with client._embedded.engine.db.read() as tx:
            offset = tx.scalar("SELECT clock_offset FROM sessions WHERE id = ?", [session.session_id])
            summary_at = tx.scalar("SELECT created_at FROM session_summaries WHERE session_id = ?",
                                   [session.session_id])
            memories_at = {row[0] for row in tx.all("SELECT created_at FROM memories WHERE session_id = ?",
                                                    [session.session_id])}
    assert len(memories_at) == 1  # every memory of the write has the same time...
    assert memories_at == {summary_at + offset}  # ...the session's clock at the instant the summary was written
