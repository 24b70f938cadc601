"""Memories: versions in chains, their sources (provenance), connections between chains."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from .database import Tx
from .records import dump_json, load_json, to_dt, to_us

Source = tuple[str, int]  # (session_id, message_index)


@dataclass
class MemoryRecord:
    """One version of a memory."""

    id: str
    user_id: str
    session_id: str
    chain_id: str
    version_number: int
    content: str
    categories: list[str]
    event_date_start: datetime
    event_date_end: datetime
    created_at: datetime
    subject: str | None = None
    slot: str | None = None
    value: str | None = None
    entities: list[str] = field(default_factory=list)
    negated: bool = False
    expired_at: datetime | None = None
    expiration_reason: str | None = None
    merge_conflict_id: str | None = None
    merge_conflict_in_progress: bool = False
    embedding: np.ndarray | None = None

    @classmethod
    def from_row(cls, row: Any) -> MemoryRecord:
        blob = row["embedding"]
        return cls(
            id=row["id"], user_id=row["user_id"], session_id=row["session_id"], chain_id=row["chain_id"],
            version_number=row["version_number"], content=row["content"], categories=load_json(row["categories"]),
            event_date_start=to_dt(row["event_date_start"]), event_date_end=to_dt(row["event_date_end"]),  # type: ignore[arg-type]
            created_at=to_dt(row["created_at"]), subject=row["subject"], slot=row["slot"],  # type: ignore[arg-type]
            value=row["value"], entities=load_json(row["entities"]), negated=bool(row["negated"]),
            expired_at=to_dt(row["expired_at"]), expiration_reason=row["expiration_reason"],
            merge_conflict_id=row["merge_conflict_id"],
            merge_conflict_in_progress=bool(row["merge_conflict_in_progress"]),
            embedding=None if blob is None else np.frombuffer(blob, dtype=np.float32),
        )


def insert(tx: Tx, memory: MemoryRecord, sources: Iterable[Source]) -> None:
    tx.execute(
        "INSERT INTO memories (id, user_id, session_id, chain_id, version_number, content, categories, subject, slot, "
        "value, entities, negated, event_date_start, event_date_end, created_at, embedding) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [memory.id, memory.user_id, memory.session_id, memory.chain_id, memory.version_number, memory.content,
         dump_json(memory.categories), memory.subject, memory.slot, memory.value, dump_json(memory.entities),
         memory.negated, to_us(memory.event_date_start), to_us(memory.event_date_end), to_us(memory.created_at),
         None if memory.embedding is None else np.asarray(memory.embedding, np.float32).tobytes()],
    )
    # A new version is current (expired_at NULL), here as in memories.
    index_categories(tx, [(memory.id, memory.user_id, memory.categories, to_us(memory.created_at), None)])
    add_sources(tx, memory.id, sources)
    tx.dialect.index_text(tx, "memories", [(memory.id, memory.content)])
    if memory.embedding is not None:
        tx.dialect.set_vectors(tx, "memories", [(memory.id, memory.embedding)])


def index_categories(tx: Tx, rows: Iterable[tuple[str, str, Any, int, int | None]]) -> None:
    """Record memories' categories where a category filter finds them (every write of a memory row calls this):
    ``(memory id, user id, categories, created_at, expired_at)``, categories as a list or its JSON text; only
    the strings of a list count, as in a filter on the JSON itself."""
    tx.executemany(
        "INSERT INTO memory_categories (memory_id, user_id, category, created_at, expired_at) VALUES (?, ?, ?, ?, ?)",
        [(memory_id, user_id, name, created_at, expired_at)
         for memory_id, user_id, categories, created_at, expired_at in rows
         for name in _category_names(categories)])


def _category_names(categories: Any) -> list[str]:
    if isinstance(categories, str):
        try:  # NaN and Infinity are no JSON: such a text gives no category (as in migration 0013)
            categories = json.loads(categories, parse_constant=_not_json)
        except ValueError:
            return []
    if not isinstance(categories, list):
        return []
    return list(dict.fromkeys(c for c in categories if isinstance(c, str)))


def _not_json(token: str) -> Any:
    raise ValueError(token)


def add_sources(tx: Tx, memory_id: str, sources: Iterable[Source]) -> None:
    existing = {(r["session_id"], r["message_index"]) for r in
                tx.all("SELECT session_id, message_index FROM memory_sources WHERE memory_id = ?", [memory_id])}
    new = sorted(set(sources) - existing)
    tx.executemany("INSERT INTO memory_sources (memory_id, session_id, message_index) VALUES (?, ?, ?)",
                   [(memory_id, s, i) for s, i in new])


def expire(tx: Tx, memory_id: str, *, reason: str, when: datetime, conflict_id: str | None = None) -> None:
    tx.execute("UPDATE memories SET expired_at = ?, expiration_reason = ?, merge_conflict_id = ?, "
               "merge_conflict_in_progress = FALSE WHERE id = ?", [to_us(when), reason, conflict_id, memory_id])
    tx.execute("UPDATE memory_categories SET expired_at = ? WHERE memory_id = ?", [to_us(when), memory_id])


def set_conflict_flag(tx: Tx, memory_ids: Sequence[str], flag: bool) -> None:
    tx.executemany("UPDATE memories SET merge_conflict_in_progress = ? WHERE id = ?", [(flag, m) for m in memory_ids])


def current(tx: Tx, user_id: str) -> list[MemoryRecord]:
    rows = tx.all("SELECT * FROM memories WHERE user_id = ? AND expired_at IS NULL ORDER BY created_at, id",
                  [user_id])
    return [MemoryRecord.from_row(r) for r in rows]


def get(tx: Tx, user_id: str, memory_id: str) -> MemoryRecord | None:
    row = tx.one("SELECT * FROM memories WHERE id = ? AND user_id = ?", [memory_id, user_id])
    return None if row is None else MemoryRecord.from_row(row)


def get_many(tx: Tx, memory_ids: Sequence[str]) -> list[MemoryRecord]:
    if not memory_ids:
        return []
    marks = ", ".join("?" for _ in memory_ids)
    return [MemoryRecord.from_row(r) for r in tx.all(f"SELECT * FROM memories WHERE id IN ({marks})", memory_ids)]


def chain(tx: Tx, chain_ids: Sequence[str]) -> dict[str, list[MemoryRecord]]:
    """Every version of each chain, oldest first."""
    out: dict[str, list[MemoryRecord]] = {c: [] for c in chain_ids}
    if chain_ids:
        marks = ", ".join("?" for _ in chain_ids)
        for row in tx.all(f"SELECT * FROM memories WHERE chain_id IN ({marks}) ORDER BY version_number", chain_ids):
            out[row["chain_id"]].append(MemoryRecord.from_row(row))
    return out


def sources(tx: Tx, memory_ids: Sequence[str]) -> dict[str, list[Source]]:
    out: dict[str, list[Source]] = {m: [] for m in memory_ids}
    if memory_ids:
        marks = ", ".join("?" for _ in memory_ids)
        rows = tx.all(f"SELECT memory_id, session_id, message_index FROM memory_sources WHERE memory_id IN ({marks}) "
                      "ORDER BY session_id, message_index", memory_ids)
        for row in rows:
            out[row["memory_id"]].append((row["session_id"], row["message_index"]))
    return out


def source_messages(tx: Tx, memory_ids: Sequence[str]) -> dict[str, list[tuple[Source, str, int]]]:
    """Each memory's source messages as ``((session_id, message_index), content, timestamp µs)``, in message
    order."""
    out: dict[str, list[tuple[Source, str, int]]] = {m: [] for m in memory_ids}
    if memory_ids:
        marks = ", ".join("?" for _ in memory_ids)
        rows = tx.all("SELECT s.memory_id, s.session_id, s.message_index, m.content, m.timestamp FROM memory_sources s "
                      "JOIN messages m ON m.session_id = s.session_id AND m.position = s.message_index "
                      f"WHERE s.memory_id IN ({marks}) ORDER BY s.session_id, s.message_index", memory_ids)
        for row in rows:
            out[row["memory_id"]].append(((row["session_id"], row["message_index"]), row["content"],
                                          int(row["timestamp"])))
    return out


def page_current(tx: Tx, user_id: str, *, offset: int, limit: int, categories: Sequence[str] | None,
                 session_ids: Sequence[str] | None,
                 session_metadata: dict[str, Any] | None) -> tuple[list[MemoryRecord], int]:
    """A page of the user's current memories, newest first, and how many match in all. ``categories`` keeps those
    with any of them; ``session_ids`` those formed in one of them; ``session_metadata`` those whose session's
    metadata holds every key/value of it."""
    names = list(dict.fromkeys(categories or ()))
    if names and not session_ids and not session_metadata:
        return _page_by_category(tx, user_id, names, offset=offset, limit=limit)
    where, params = "m.user_id = ? AND m.expired_at IS NULL", [user_id]
    if names:  # with another filter, which selects fewer memories than a category usually does
        where += (" AND EXISTS (SELECT 1 FROM memory_categories c WHERE c.memory_id = m.id "
                  f"AND c.category IN ({', '.join('?' for _ in names)}))")
        params = [*params, *names]
    if session_ids:
        where += f" AND m.session_id IN ({', '.join('?' for _ in session_ids)})"
        params = [*params, *session_ids]
    if session_metadata:
        clause, extra = tx.dialect.json_contains("s.metadata", session_metadata)
        where, params = f"{where} AND {clause}", [*params, *extra]
    # The sessions join only when filtering on their metadata: counting through it reads every memory row.
    joined = "JOIN sessions s ON s.id = m.session_id " if session_metadata else ""
    base = f"FROM memories m {joined}WHERE {where}"
    total = tx.scalar(f"SELECT COUNT(*) {base}", params)
    # Page the ids first (the memories_current_page index holds the whole order, so a deep offset skips index
    # entries, not rows), then read those rows whole.
    page = f"SELECT m.id {base} ORDER BY m.created_at DESC, m.id LIMIT ? OFFSET ?"
    return _rows_in_order(tx, page, [*params, limit, offset]), int(total)


def _page_by_category(tx: Tx, user_id: str, names: list[str], *, offset: int,
                      limit: int) -> tuple[list[MemoryRecord], int]:
    """The category-filtered page from the memory_categories index alone: no memory's JSON is read."""
    where = (f"c.user_id = ? AND c.expired_at IS NULL AND c.category IN ({', '.join('?' for _ in names)})")
    params: list[Any] = [user_id, *names]
    if len(names) == 1:  # a memory holds a category once: no duplicates to remove
        total = tx.scalar(f"SELECT COUNT(*) FROM memory_categories c WHERE {where}", params)
        page = (f"SELECT c.memory_id FROM memory_categories c WHERE {where} "
                "ORDER BY c.created_at DESC, c.memory_id LIMIT ? OFFSET ?")
    else:
        total = tx.scalar(f"SELECT COUNT(DISTINCT c.memory_id) FROM memory_categories c WHERE {where}", params)
        page = (f"SELECT p.memory_id FROM (SELECT DISTINCT c.created_at, c.memory_id FROM memory_categories c "
                f"WHERE {where} ORDER BY c.created_at DESC, c.memory_id LIMIT ? OFFSET ?) p")
    return _rows_in_order(tx, page, [*params, limit, offset]), int(total)


def _rows_in_order(tx: Tx, page: str, params: Sequence[Any]) -> list[MemoryRecord]:
    """The memories whose ids ``page`` selects, newest first: sorting ids alone past a deep offset costs a third
    of sorting whole rows (embeddings included)."""
    rows = tx.all(f"SELECT m.* FROM memories m WHERE m.id IN ({page}) ORDER BY m.created_at DESC, m.id", params)
    return [MemoryRecord.from_row(r) for r in rows]


def delete_versions(tx: Tx, memory_ids: Sequence[str]) -> None:
    tx.executemany("DELETE FROM memories WHERE id = ?", [(m,) for m in memory_ids])


def reinstate(tx: Tx, memory_id: str) -> None:
    """Make a version current again (its successor was deleted)."""
    tx.execute("UPDATE memories SET expired_at = NULL, expiration_reason = NULL, merge_conflict_id = NULL "
               "WHERE id = ?", [memory_id])
    tx.execute("UPDATE memory_categories SET expired_at = NULL WHERE memory_id = ?", [memory_id])


def connect(tx: Tx, user_id: str, pairs: Iterable[tuple[str, str, str]]) -> None:
    """Connect chains (a, b, reason); stored once per unordered pair."""
    rows = {(min(a, b), max(a, b)): reason for a, b, reason in pairs if a != b}
    for (a, b), reason in rows.items():
        if tx.scalar("SELECT 1 FROM memory_connections WHERE chain_a = ? AND chain_b = ?", [a, b]) is None:
            tx.execute("INSERT INTO memory_connections (user_id, chain_a, chain_b, reason) VALUES (?, ?, ?, ?)",
                       [user_id, a, b, reason])


def connected(tx: Tx, chain_ids: Sequence[str], *, limit: int = 10) -> dict[str, list[MemoryRecord]]:
    """The current versions connected to each chain."""
    out: dict[str, list[MemoryRecord]] = {c: [] for c in chain_ids}
    if not chain_ids:
        return out
    marks = ", ".join("?" for _ in chain_ids)
    rows = tx.all(
        f"SELECT c.chain_a AS src, m.* FROM memory_connections c JOIN memories m ON m.chain_id = c.chain_b "
        f"WHERE c.chain_a IN ({marks}) AND m.expired_at IS NULL UNION ALL "
        f"SELECT c.chain_b AS src, m.* FROM memory_connections c JOIN memories m ON m.chain_id = c.chain_a "
        f"WHERE c.chain_b IN ({marks}) AND m.expired_at IS NULL",
        [*chain_ids, *chain_ids],
    )
    for row in rows:
        if len(out[row["src"]]) < limit:
            out[row["src"]].append(MemoryRecord.from_row(row))
    return out


def forget_session(tx: Tx, session_id: str) -> None:
    """Prepare deleting a session: chains whose current version it formed fall back to their latest remaining
    version, and memories held in its pending merge conflicts are released."""
    for row in tx.all("SELECT chain_id FROM memories WHERE session_id = ? AND expired_at IS NULL", [session_id]):
        survivor = tx.one("SELECT id FROM memories WHERE chain_id = ? AND session_id <> ? "
                          "ORDER BY version_number DESC LIMIT 1", [row["chain_id"], session_id])
        if survivor is not None:
            reinstate(tx, survivor["id"])
    for row in tx.all("SELECT conflicting FROM merge_conflicts WHERE session_id = ? AND status <> 'RESOLVED'",
                      [session_id]):
        set_conflict_flag(tx, [c["memory_id"] for c in load_json(row["conflicting"])], False)


def bump_revision(tx: Tx, user_id: str) -> None:
    tx.execute("UPDATE users SET memory_rev = memory_rev + 1 WHERE id = ?", [user_id])


def revision(tx: Tx, user_id: str) -> int:
    return int(tx.scalar("SELECT memory_rev FROM users WHERE id = ?", [user_id]) or 0)
