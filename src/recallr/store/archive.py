"""Whole tables out and in, in batches: the SQL under export, import and migrate (``engine/portability.py``).

Rows travel as dicts of JSON-ready values: integers (timestamps are epoch microseconds, as stored), text (JSON
columns stay the text they are stored as), None, booleans (``true``/``false`` on both backends) and embeddings
as base64 text of their float32 bytes. What each backend derives from them is rebuilt on write, never carried:
full-text index rows, pgvector columns, memories' ``memory_categories`` rows, the ``message_vectors`` row of an
indexed message (it travels inside its message, as ``embedding``) and per-user vector indexes (the worker builds
them again).

Reads page through each table by its primary key (``LIMIT`` batches), so memory stays bounded by the batch size
whatever the table's size. Writes check each batch's keys against the rows already there first.

Example::

    with db.read() as tx:
        tx.dialect.snapshot(tx)
        for table in TABLES:
            for rows in read_batches(tx, table, Scope(), batch_size=500):
                ...
    with db.write() as tx:
        write_batch(tx, TABLES_BY_NAME["users"], rows, on_conflict="fail", search_text=str)
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..exceptions import ArchiveConflictError, ArchiveError
from . import memories
from .database import Tx, now_us

OnConflict = Literal["fail", "skip", "replace"]


@dataclass(frozen=True)
class Scope:
    """What to read: every row (the default), or one user's data (internal user id) and their project's
    container rows (the project and its categories)."""

    project_id: str | None = None
    user_id: str | None = None


@dataclass(frozen=True)
class Table:
    """One record type of the archive: a table, its columns and how a user's rows are found."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # what identifies a row when importing (a conflict is a key already present)
    order: tuple[str, ...] = ()  # the primary key the reader pages by (the key by default)
    booleans: frozenset[str] = frozenset()
    blobs: frozenset[str] = frozenset()
    user_where: str | None = None  # rows of one user (``?`` is the internal user id); None: not in user exports
    project_where: str | None = None  # rows of the user's project kept in user exports (``?``: project id)
    secret: bool = False  # key hashes: only in archives made with include_secrets
    container: bool = False  # projects and categories: an existing row is kept (replaced only with replace)
    source: str = ""  # FROM clause, aliasing the table ``t`` (default: the table itself)
    expressions: dict[str, str] = field(default_factory=dict)  # column -> SQL when not ``t.<column>``

    @property
    def paging(self) -> tuple[str, ...]:
        return self.order or self.key


TABLES: tuple[Table, ...] = (
    Table("projects", ("id", "name", "merge_conflicts_enabled", "created_at"), ("id",),
          booleans=frozenset({"merge_conflicts_enabled"}), project_where="t.id = ?", container=True),
    Table("api_keys", ("id", "project_id", "key_hash", "prefix", "name", "created_at", "revoked_at"), ("id",),
          secret=True),
    Table("categories", ("project_id", "name", "description", "created_at"), ("project_id", "name"),
          project_where="t.project_id = ?", container=True),
    # api_key is the project's LLM key encrypted with RECALLR_SECRET_KEY (llm/keybox.py): exported as stored,
    # and only with include_secrets (null otherwise: the importing project then uses the server's key).
    Table("project_llm_settings", ("project_id", "mode", "base_url", "api_key", "model", "extraction_instructions",
                                   "never_remember", "always_remember", "examples", "updated_at"), ("project_id",)),
    Table("llm_usage", ("project_id", "session_id", "task", "calls", "prompt_tokens", "completion_tokens", "retries",
                        "fallbacks", "failures", "updated_at"), ("project_id", "session_id", "task")),
    Table("users", ("id", "project_id", "custom_user_id", "metadata", "email", "first_name", "last_name",
                    "merge_conflict_enabled", "created_at", "last_active_at"), ("id",),
          booleans=frozenset({"merge_conflict_enabled"}), user_where="t.id = ?"),
    Table("sessions", ("id", "user_id", "status", "metadata", "auto_process_after_seconds", "created_at",
                       "clock_offset", "last_activity_at", "queued_at", "processed_at", "attempts", "lease_owner",
                       "lease_expires_at", "error", "message_count"), ("id",), user_where="t.user_id = ?"),
    # A message's integer id is internal (nothing in the API shows it): it is kept when free, else a new one is
    # given; its identity is its place in its session.
    Table("messages", ("id", "session_id", "user_id", "position", "role", "content", "timestamp", "indexed",
                       "embedding"), ("session_id", "position"), order=("id",), booleans=frozenset({"indexed"}),
          blobs=frozenset({"embedding"}), user_where="t.user_id = ?",
          source="messages t LEFT JOIN message_vectors v ON v.message_id = t.id",
          expressions={"embedding": "v.embedding"}),
    Table("memories", ("id", "user_id", "session_id", "chain_id", "version_number", "content", "categories",
                       "subject", "slot", "value", "entities", "negated", "event_date_start", "event_date_end",
                       "created_at", "expired_at", "expiration_reason", "merge_conflict_id",
                       "merge_conflict_in_progress", "embedding"), ("id",),
          booleans=frozenset({"negated", "merge_conflict_in_progress"}), blobs=frozenset({"embedding"}),
          user_where="t.user_id = ?"),
    Table("memory_sources", ("memory_id", "session_id", "message_index"), ("memory_id", "session_id", "message_index"),
          user_where="t.memory_id IN (SELECT id FROM memories WHERE user_id = ?)"),
    Table("memory_connections", ("user_id", "chain_a", "chain_b", "reason"), ("chain_a", "chain_b"),
          user_where="t.user_id = ?"),
    Table("merge_conflicts", ("id", "user_id", "session_id", "status", "proposed", "conflicting", "questions",
                              "answers", "resolution_data", "new_memory_ids", "created_at", "resolved_at", "attempts",
                              "lease_owner", "lease_expires_at", "error"), ("id",), user_where="t.user_id = ?"),
    Table("session_summaries", ("id", "session_id", "user_id", "content", "session_date", "sources", "created_at",
                                "embedding"), ("id",), blobs=frozenset({"embedding"}), user_where="t.user_id = ?"),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
_REVISED = ("messages", "memories", "session_summaries")  # what recall caches per user revision


def tables_for(scope: Scope, *, include_secrets: bool) -> list[Table]:
    """The tables an archive of ``scope`` holds, in an order that satisfies every foreign key."""
    if scope.user_id is None:
        return [t for t in TABLES if include_secrets or not t.secret]
    return [t for t in TABLES if t.user_where is not None or t.project_where is not None]


def _where(table: Table, scope: Scope) -> tuple[str, list[Any]]:
    if scope.user_id is None:
        return "1 = 1", []
    if table.user_where is not None:
        return table.user_where, [scope.user_id]
    return str(table.project_where), [scope.project_id]


def _select(table: Table) -> str:
    columns = ", ".join(f"{table.expressions.get(c, 't.' + c)} AS {c}" for c in table.columns)
    return f"SELECT {columns} FROM {table.source or table.name + ' t'}"


def count_rows(tx: Tx, table: Table, scope: Scope) -> int:
    where, params = _where(table, scope)
    return int(tx.scalar(f"SELECT COUNT(*) FROM {table.name} t WHERE {where}", params) or 0)


def read_batches(tx: Tx, table: Table, scope: Scope, *, batch_size: int,
                 include_secrets: bool = False) -> Iterator[list[dict[str, Any]]]:
    """The table's rows in ``scope``, ``batch_size`` at a time, by primary key. O(batch_size) memory."""
    where, params = _where(table, scope)
    order = table.paging
    after: list[Any] | None = None
    while True:
        clauses = [where]
        page_params = list(params)
        if after is not None:
            columns = ", ".join(f"t.{c}" for c in order)
            marks = ", ".join("?" for _ in order)
            clauses.append(f"({columns}) > ({marks})" if len(order) > 1 else f"t.{order[0]} > ?")
            page_params.extend(after)
        rows = tx.all(f"{_select(table)} WHERE {' AND '.join(clauses)} "
                      f"ORDER BY {', '.join('t.' + c for c in order)} LIMIT ?", [*page_params, batch_size])
        if not rows:
            return
        yield [_out(table, row, include_secrets) for row in rows]
        if len(rows) < batch_size:
            return
        after = [rows[-1][c] for c in order]


def _out(table: Table, row: Any, include_secrets: bool) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for column in table.columns:
        value = row[column]
        if value is not None and column in table.booleans:
            value = bool(value)
        elif value is not None and column in table.blobs:
            value = base64.b64encode(bytes(value)).decode("ascii")
        record[column] = value
    if table.name == "project_llm_settings" and not include_secrets:
        record["api_key"] = None
    return record


def decode_row(table: Table, record: Any) -> dict[str, Any]:
    """An archive record as column values, or ``ArchiveError`` naming what is wrong with it."""
    if not isinstance(record, dict) or set(record) != set(table.columns):
        raise ArchiveError(f"A {table.name} record must have exactly the columns {', '.join(table.columns)}")
    row = dict(record)
    for column in table.blobs:
        value = row[column]
        if value is None:
            continue
        try:
            row[column] = base64.b64decode(value, validate=True) if isinstance(value, str) else _bad(table, column)
        except (binascii.Error, ValueError) as error:
            raise ArchiveError(f"{table.name}.{column} is not base64 text") from error
    for column, value in record.items():
        if (value is not None and not isinstance(value, _kind(table, column))) or (
                isinstance(value, bool) and column not in table.booleans):
            _bad(table, column)
        if value is not None and column in _JSON_TEXT:
            try:
                json.loads(value)
            except ValueError as error:
                raise ArchiveError(f"{table.name}.{column} is not JSON text") from error
    return row


# Column types, by name (the same name has the same type in every table); any other column is text.
_INTEGERS = frozenset({
    "created_at", "revoked_at", "updated_at", "calls", "prompt_tokens", "completion_tokens", "retries", "fallbacks",
    "failures", "last_active_at", "auto_process_after_seconds", "clock_offset", "last_activity_at", "queued_at",
    "processed_at", "attempts", "lease_expires_at", "message_count", "position", "timestamp", "version_number",
    "event_date_start", "event_date_end", "expired_at", "message_index", "resolved_at", "session_date"})
_JSON_TEXT = frozenset({
    "metadata", "categories", "entities", "proposed", "conflicting", "questions", "answers", "resolution_data",
    "new_memory_ids", "sources", "never_remember", "always_remember", "examples"})


def _kind(table: Table, column: str) -> type | tuple[type, ...]:
    if column in table.booleans:
        return bool
    if column in _INTEGERS or (table.name == "messages" and column == "id"):
        return int
    return str


def _bad(table: Table, column: str) -> Any:
    raise ArchiveError(f"{table.name}.{column} has a value of the wrong type")


def write_batch(tx: Tx, table: Table, rows: Sequence[dict[str, Any]], *, on_conflict: OnConflict,
                search_text: Callable[[str], str]) -> int:
    """Insert decoded rows (``decode_row``); returns how many were written.

    A row whose key is already present fails the batch (``on_conflict="fail"``, ``ArchiveConflictError``), is
    left out (``"skip"``; always for container rows unless ``"replace"``) or replaces the row there
    (``"replace"``: projects are updated in place, any other row is deleted with what hangs off it first; the
    archive brings that back). ``search_text`` gives the full-text index's text of a message.
    """
    present = _present(tx, table, rows)
    if present and on_conflict == "fail" and not table.container:
        key = next(_key(table, row) for row in rows if _key(table, row) in present)
        raise ArchiveConflictError(
            f"{table.name} {', '.join(map(str, key))} is already in the target database; import with "
            "--on-conflict skip to keep what is there or --on-conflict replace to overwrite it", conflicts=len(present))
    if present and on_conflict == "replace" and table.name == "projects":
        tx.executemany("UPDATE projects SET name = ?, merge_conflicts_enabled = ?, created_at = ? WHERE id = ?",
                       [(r["name"], r["merge_conflicts_enabled"], r["created_at"], r["id"]) for r in rows
                        if _key(table, r) in present])
        rows = [r for r in rows if _key(table, r) not in present]
    elif present and on_conflict == "replace":
        tx.executemany(f"DELETE FROM {table.name} WHERE {' AND '.join(c + ' = ?' for c in table.key)}",
                       sorted(present))
    elif present:
        rows = [r for r in rows if _key(table, r) not in present]
    try:
        if table.name == "messages":
            _insert_messages(tx, rows, search_text)
        else:
            _insert(tx, table, rows)
    except Exception as error:
        if tx.dialect.is_unique_violation(error):
            raise ArchiveConflictError(f"A {table.name} record clashes with a different row of the target database "
                                       f"(a unique value taken, such as a user id in its project): {error}") from error
        raise
    if table.name in _REVISED and rows:  # recall's per-user caches must reload
        users = sorted({r["user_id"] for r in rows})
        tx.executemany("UPDATE users SET memory_rev = memory_rev + 1 WHERE id = ?", [(u,) for u in users])
    elif table.name == "users" and rows:
        # A replaced user comes back with the id a running server may have cached recall data under: start its
        # revision where no cached one can be.
        tx.executemany("UPDATE users SET memory_rev = ? WHERE id = ?", [(now_us(), r["id"]) for r in rows])
    return len(rows)


def _key(table: Table, row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[c] for c in table.key)


def _present(tx: Tx, table: Table, rows: Sequence[dict[str, Any]]) -> set[tuple[Any, ...]]:
    if not rows:
        return set()
    keys = list(dict.fromkeys(_key(table, r) for r in rows))
    columns = ", ".join(table.key)
    if len(table.key) == 1:
        where = f"{columns} IN ({', '.join('?' for _ in keys)})"
    else:  # a row-value IN over VALUES: both backends look each key up in the primary key's index
        one = "(" + ", ".join("?" for _ in table.key) + ")"
        where = f"({columns}) IN (VALUES {', '.join(one for _ in keys)})"
    found = tx.all(f"SELECT {columns} FROM {table.name} WHERE {where}", [value for key in keys for value in key])
    return {tuple(row[c] for c in table.key) for row in found}


def _insert(tx: Tx, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = table.columns
    tx.executemany(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                   [[r[c] for c in columns] for r in rows])
    if table.name in ("memories", "session_summaries"):
        tx.dialect.index_text(tx, table.name, [(r["id"], r["content"]) for r in rows])
    if table.name == "memories":
        _set_vectors(tx, "memories", [(r["id"], r["embedding"]) for r in rows], key="id")
        memories.index_categories(tx, [(r["id"], r["user_id"], r["categories"], r["created_at"], r["expired_at"])
                                       for r in rows])


def _set_vectors(tx: Tx, table: str, rows: Sequence[tuple[Any, bytes | None]], *, key: str) -> None:
    import numpy as np

    vectors = [(ident, np.frombuffer(blob, dtype=np.float32)) for ident, blob in rows if blob is not None]
    if vectors:
        tx.dialect.set_vectors(tx, table, vectors, key=key)


_MESSAGE_COLUMNS = ("session_id", "user_id", "position", "role", "content", "timestamp", "indexed")


def _insert_messages(tx: Tx, rows: Sequence[dict[str, Any]], search_text: Callable[[str], str]) -> None:
    if not rows:
        return
    marks = ", ".join("?" for _ in rows)
    taken = {r["id"] for r in tx.all(f"SELECT id FROM messages WHERE id IN ({marks})", [r["id"] for r in rows])}
    kept = [r for r in rows if isinstance(r["id"], int) and r["id"] not in taken]
    tx.executemany(f"INSERT INTO messages (id, {', '.join(_MESSAGE_COLUMNS)}) "
                   f"VALUES (?, {', '.join('?' for _ in _MESSAGE_COLUMNS)})",
                   [[r["id"], *(r[c] for c in _MESSAGE_COLUMNS)] for r in kept])
    if kept:
        tx.dialect.reset_serial(tx, "messages", "id")  # later messages must not be given an id taken here
    placed = [(r["id"], r) for r in kept]
    kept_rows = {id(r) for r in kept}
    for row in rows:
        if id(row) not in kept_rows:
            new_id = tx.scalar(f"INSERT INTO messages ({', '.join(_MESSAGE_COLUMNS)}) "
                               f"VALUES ({', '.join('?' for _ in _MESSAGE_COLUMNS)}) RETURNING id",
                               [row[c] for c in _MESSAGE_COLUMNS])
            placed.append((new_id, row))
    vectors = [(ident, r["user_id"], r["embedding"]) for ident, r in placed if r["embedding"] is not None]
    tx.executemany("INSERT INTO message_vectors (message_id, user_id, embedding) VALUES (?, ?, ?)", vectors)
    _set_vectors(tx, "message_vectors", [(ident, blob) for ident, _, blob in vectors], key="message_id")
    tx.dialect.index_text(tx, "messages", [(ident, search_text(r["content"])) for ident, r in placed if r["indexed"]])
