"""Messages, in order within a session; their search index (vectors + full text)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .database import Tx
from .records import MessageRecord


def append_message(tx: Tx, *, session_id: str, user_id: str, role: str, content: str,
                   timestamp_us: int, activity_us: int) -> MessageRecord | None:
    """Add a message at the end of a pending session; None if the session is no longer pending.

    Incrementing the count first locks the session row: concurrent writers get consecutive positions, and
    a concurrent ``process()`` either sees this message or makes this call fail, never loses it.
    """
    position = tx.scalar("UPDATE sessions SET message_count = message_count + 1, last_activity_at = ? "
                         "WHERE id = ? AND status = 'pending' RETURNING message_count - 1",
                         [activity_us, session_id])
    if position is None:
        return None
    tx.execute(
        "INSERT INTO messages (session_id, user_id, position, role, content, timestamp) VALUES (?, ?, ?, ?, ?, ?)",
        [session_id, user_id, position, role, content, timestamp_us],
    )
    row = tx.one("SELECT * FROM messages WHERE session_id = ? AND position = ?", [session_id, position])
    return MessageRecord.from_row(row)


def list_messages(tx: Tx, session_id: str, *, offset: int, limit: int) -> tuple[list[MessageRecord], int]:
    total = tx.scalar("SELECT message_count FROM sessions WHERE id = ?", [session_id]) or 0
    rows = tx.all("SELECT * FROM messages WHERE session_id = ? ORDER BY position LIMIT ? OFFSET ?",
                  [session_id, limit, offset])
    return [MessageRecord.from_row(r) for r in rows], int(total)


def all_messages(tx: Tx, session_id: str) -> list[MessageRecord]:
    rows = tx.all("SELECT * FROM messages WHERE session_id = ? ORDER BY position", [session_id])
    return [MessageRecord.from_row(r) for r in rows]


def last_messages(tx: Tx, user_id: str, n: int) -> list[MessageRecord]:
    """The user's ``n`` latest messages across sessions, oldest first."""
    rows = tx.all("SELECT * FROM messages WHERE user_id = ? ORDER BY timestamp DESC, id DESC LIMIT ?", [user_id, n])
    return [MessageRecord.from_row(r) for r in reversed(rows)]


def index_messages(tx: Tx, user_id: str, messages: Sequence[MessageRecord], vectors: np.ndarray, *,
                   texts: Sequence[str] | None = None) -> None:
    """Store vectors and full-text entries for messages not indexed yet (idempotent).

    ``texts`` are what the full-text index holds (the engine passes the messages with secrets redacted);
    the messages' own content by default. The stored messages are never changed.
    """
    searchable = list(texts) if texts is not None else [m.content for m in messages]
    todo = [(m, v, t) for m, v, t in zip(messages, vectors, searchable, strict=True)
            if not tx.scalar("SELECT indexed FROM messages WHERE id = ?", [m.id])]
    if not todo:
        return
    tx.executemany("INSERT INTO message_vectors (message_id, user_id, embedding) VALUES (?, ?, ?)",
                   [(m.id, user_id, np.asarray(v, dtype=np.float32).tobytes()) for m, v, _ in todo])
    tx.dialect.set_vectors(tx, "message_vectors", [(m.id, v) for m, v, _ in todo], key="message_id")
    tx.executemany("UPDATE messages SET indexed = TRUE WHERE id = ?", [(m.id,) for m, _, _ in todo])
    tx.dialect.index_text(tx, "messages", [(m.id, t) for m, _, t in todo])
    tx.execute("UPDATE users SET memory_rev = memory_rev + 1 WHERE id = ?", [user_id])
