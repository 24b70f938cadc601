"""Session summaries: one per processed session, dated, embedded, searchable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from .database import Tx, now_us
from .records import dump_json, load_json, to_dt, to_us


@dataclass(frozen=True)
class SummaryRecord:
    id: str
    session_id: str
    user_id: str
    content: str
    session_date: datetime
    sources: list[int]  # message indexes within the session
    embedding: np.ndarray | None

    @classmethod
    def from_row(cls, row: Any) -> SummaryRecord:
        blob = row["embedding"]
        return cls(row["id"], row["session_id"], row["user_id"], row["content"],
                   to_dt(row["session_date"]), load_json(row["sources"]),  # type: ignore[arg-type]
                   None if blob is None else np.frombuffer(blob, dtype=np.float32))


def upsert(tx: Tx, summary: SummaryRecord, *, created_at_us: int | None = None) -> None:
    tx.execute("DELETE FROM session_summaries WHERE session_id = ?", [summary.session_id])
    tx.execute(
        "INSERT INTO session_summaries (id, session_id, user_id, content, session_date, sources, created_at, "
        "embedding) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [summary.id, summary.session_id, summary.user_id, summary.content, to_us(summary.session_date),
         dump_json(summary.sources), now_us() if created_at_us is None else created_at_us,
         None if summary.embedding is None else np.asarray(summary.embedding, np.float32).tobytes()],
    )
    tx.dialect.index_text(tx, "session_summaries", [(summary.id, summary.content)])


def for_user(tx: Tx, user_id: str) -> list[SummaryRecord]:
    rows = tx.all("SELECT * FROM session_summaries WHERE user_id = ? ORDER BY session_date", [user_id])
    return [SummaryRecord.from_row(r) for r in rows]


def for_session(tx: Tx, session_id: str) -> SummaryRecord | None:
    row = tx.one("SELECT * FROM session_summaries WHERE session_id = ?", [session_id])
    return None if row is None else SummaryRecord.from_row(row)
