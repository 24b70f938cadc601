"""Export, import and migrate: the archive format, versioned, over ``store/archive.py``.

An archive is JSON Lines (UTF-8), one object per line:

- first a header: ``{"format": "recallr-archive", "version": 1, "created_at": <epoch µs>, "scope": {...},
  "secrets": false, "counts": {"users": 2, ...}}`` (``scope`` is ``{"project_id": ..., "user_id": ...}`` for
  one user's archive, ``{}`` for a whole database);
- then one ``{"table": <name>, "row": {<column>: <value>}}`` per row, tables in foreign-key order (projects,
  api keys, categories, project LLM settings, LLM usage, users, sessions, messages, memories, memory sources,
  memory connections, merge conflicts, session summaries), each table's rows by primary key;
- last ``{"end": true, "counts": {...}}``: an archive without it was cut short.

Rows keep their original ids and timestamps. Embeddings are carried (base64 float32), so an import needs no
embedding model and recall ranks exactly as before; full-text and pgvector indexes are rebuilt on import.

Example::

    with open("backup.jsonl", "wb") as out:
        for line in export_lines(engine.db, Scope()):
            out.write(line)
    with open("backup.jsonl", "rb") as archive:
        result = import_archive(other_db, read_lines(archive), on_conflict="fail")
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from ..exceptions import ArchiveError
from ..language.secrets import redact
from ..store import Database, now_us
from ..store.archive import TABLES, TABLES_BY_NAME, OnConflict, Scope, count_rows, decode_row, read_batches
from ..store.archive import tables_for as _tables_for
from ..store.archive import write_batch as _write_batch

FORMAT = "recallr-archive"
VERSION = 1
BATCH_SIZE = 500
MAX_LINE_BYTES = 64 * 1024 * 1024  # one record; far above any row the API accepts, bounds a hostile file
_ORDER = {table.name: n for n, table in enumerate(TABLES)}

Progress = Callable[[int], None]  # called with how many more rows are done


def export_records(db: Database, scope: Scope, *, include_secrets: bool = False,
                   batch_size: int = BATCH_SIZE) -> Iterator[dict[str, Any]]:
    """The archive's objects (header, rows, end), read in one consistent snapshot, ``batch_size`` rows at a time.

    Runs one read transaction on the calling thread's connection: consume it on one thread.
    """
    tables = _tables_for(scope, include_secrets=include_secrets)
    with db.read() as tx:
        tx.dialect.snapshot(tx)
        counts = {table.name: count_rows(tx, table, scope) for table in tables}
        scope_out = {} if scope.user_id is None else {"project_id": scope.project_id, "user_id": scope.user_id}
        yield {"format": FORMAT, "version": VERSION, "created_at": now_us(), "scope": scope_out,
               "secrets": include_secrets, "counts": counts}
        written = dict.fromkeys(counts, 0)
        for table in tables:
            for rows in read_batches(tx, table, scope, batch_size=batch_size, include_secrets=include_secrets):
                written[table.name] += len(rows)
                for row in rows:
                    yield {"table": table.name, "row": row}
        yield {"end": True, "counts": written}


def encode(record: dict[str, Any]) -> bytes:
    """One archive line."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def export_lines(db: Database, scope: Scope, *, include_secrets: bool = False) -> Iterator[bytes]:
    """``export_records`` as JSON Lines, one ``bytes`` line each."""
    for record in export_records(db, scope, include_secrets=include_secrets):
        yield encode(record)


def read_lines(stream: IO[bytes]) -> Iterator[dict[str, Any]]:
    """The objects of an archive file, each line bounded by ``MAX_LINE_BYTES`` before it is parsed."""
    number = 0
    while True:
        line = stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise ArchiveError(f"Line {number} of the archive is longer than {MAX_LINE_BYTES} bytes")
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (UnicodeDecodeError, ValueError) as error:
            raise ArchiveError(f"Line {number} of the archive is not JSON: {error}") from error
        if not isinstance(record, dict):
            raise ArchiveError(f"Line {number} of the archive is not a JSON object")
        yield record


@dataclass
class ImportResult:
    """What an import did: rows read and rows written per table (skipped rows are read, not written)."""

    header: dict[str, Any]
    read: dict[str, int] = field(default_factory=dict)
    written: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"version": self.header.get("version"), "read": self.read, "written": self.written}


def check_header(record: dict[str, Any] | None) -> dict[str, Any]:
    """The archive's header, or ``ArchiveError`` if this is no archive this version can read."""
    if record is None or record.get("format") != FORMAT:
        raise ArchiveError("Not a Recallr archive (its first line must be the recallr-archive header)")
    version = record.get("version")
    if version != VERSION:
        raise ArchiveError(f"Archive version {version!r} is not one this Recallr reads (it reads version {VERSION})")
    return record


def import_archive(db: Database, records: Iterable[dict[str, Any]], *, on_conflict: OnConflict = "fail",
                   batch_size: int = BATCH_SIZE, progress: Progress | None = None,
                   header_seen: Callable[[dict[str, Any]], None] | None = None) -> ImportResult:
    """Write an archive's rows into ``db`` (migrated), one write transaction per batch of ``batch_size`` rows.

    Ids and timestamps are kept (a message's internal integer id too, unless the target already uses it). A row
    whose id is already there stops the import (``on_conflict="fail"``: batches already written stay), is kept
    as it is (``"skip"``) or is overwritten (``"replace"``). Raises ``ArchiveError`` on a malformed, out-of-order
    or truncated archive.
    """
    iterator = iter(records)
    result = ImportResult(header=check_header(next(iterator, None)))
    if header_seen is not None:
        header_seen(result.header)
    pending: list[dict[str, Any]] = []
    current: str | None = None
    ended: dict[str, Any] | None = None

    def flush() -> None:
        if not pending or current is None:
            return
        with db.write() as tx:
            result.written[current] = result.written.get(current, 0) + _write_batch(
                tx, TABLES_BY_NAME[current], pending, on_conflict=on_conflict, search_text=redact)
        if progress is not None:
            progress(len(pending))
        pending.clear()

    for record in iterator:
        if ended is not None:
            raise ArchiveError("The archive goes on after its end line")
        if record.get("end") is True:
            ended = record
            continue
        table = _table_of(record, current)
        if table != current:
            flush()
            current = table
        pending.append(decode_row(TABLES_BY_NAME[table], record.get("row")))
        result.read[table] = result.read.get(table, 0) + 1
        if len(pending) >= batch_size:
            flush()
    flush()
    _check_end(ended, result.read)
    return result


def _table_of(record: dict[str, Any], current: str | None) -> str:
    table = record.get("table")
    if not isinstance(table, str) or table not in TABLES_BY_NAME:
        raise ArchiveError(f"Unknown archive record (table {str(table)[:40]!r})")
    if current is not None and _ORDER[table] < _ORDER[current]:
        raise ArchiveError(f"The archive's {table} rows come after its {current} rows: tables must be in order")
    return table


def _check_end(ended: dict[str, Any] | None, read: dict[str, int]) -> None:
    if ended is None:
        raise ArchiveError("The archive is truncated (no end line): the rows before the cut were imported; "
                           "import a complete archive with --on-conflict replace")
    expected = {name: n for name, n in (ended.get("counts") or {}).items() if n}
    if expected != read:
        raise ArchiveError(f"The archive's end line counts {expected} rows but it holds {read}")


def migrate_database(source: Database, target: Database, *, include_secrets: bool = True,
                     on_conflict: OnConflict = "fail", progress: Progress | None = None,
                     header_seen: Callable[[dict[str, Any]], None] | None = None) -> ImportResult:
    """Copy every row of ``source`` into ``target`` (both migrated), streamed: export piped into import, no file.
    Key hashes and project LLM keys move too (a migration moves the deployment, keys and all)."""
    return import_archive(target, export_records(source, Scope(), include_secrets=include_secrets),
                          on_conflict=on_conflict, progress=progress, header_seen=header_seen)


def user_scope(db: Database, project_id: str, custom_user_id: str) -> Scope:
    """The scope of one user's archive (``UserNotFoundError`` if the project has no such user)."""
    from .users import require_user

    with db.read() as tx:
        user = require_user(tx, project_id, custom_user_id)
    return Scope(project_id=project_id, user_id=user.id)
