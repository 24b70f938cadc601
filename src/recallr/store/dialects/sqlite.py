"""SQLite: one file in WAL mode, foreign keys on, writes serialised through one lock.

The files hold every memory, so they are private to the user running Recallr: directories created 0700, the
database created 0600 before SQLite opens it (SQLite gives its ``-wal``, ``-shm`` and ``-journal`` files the
database's mode), looser modes left by older versions tightened at open.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from ...exceptions import ConfigurationError

_FTS_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_SIDE_FILES = ("-wal", "-shm", "-journal")
log = logging.getLogger("recallr.store")


class SQLiteDialect:
    """The embedded default. ``sqlite:///relative/or/absolute/path.db``."""

    name = "sqlite"
    type_tokens: ClassVar[dict[str, str]] = {"bytes": "BLOB", "serial_pk": "INTEGER PRIMARY KEY AUTOINCREMENT"}
    vector_dim: ClassVar[int | None] = None  # BLOBs of any width
    vector_indexes: ClassVar[bool] = False  # recall is exact, in process, for every user
    skip_locked: ClassVar[str] = ""  # BEGIN IMMEDIATE already gives the claiming writer the whole database

    def __init__(self, url: str, *, own_directory: bool = False) -> None:
        path = url.removeprefix("sqlite:///").removeprefix("sqlite://")
        if not path:
            raise ConfigurationError("sqlite URL needs a file path: sqlite:///path/to/recallr.db")
        self.path = Path(path)
        if path != ":memory:":
            _private_directory(self.path.parent, self.path.name, own=own_directory)
            _private_files(self.path)
        # One writer per process; other processes wait on SQLite's own lock (busy_timeout).
        self.write_lock = threading.Lock()

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA journal_mode=WAL")  # the first statement: fails here on a file that is no database
            conn.execute("PRAGMA synchronous=NORMAL")  # durable against process crashes, fast
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
        except BaseException:
            conn.close()
            raise
        return conn

    def sql(self, statement: str) -> str:
        return statement

    def begin(self, conn: sqlite3.Connection, *, write: bool) -> None:
        if write:
            self.write_lock.acquire()
            try:
                conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                self.write_lock.release()
                raise
        else:
            conn.execute("BEGIN")

    def end(self, conn: sqlite3.Connection, *, write: bool, commit: bool) -> None:
        try:
            conn.execute("COMMIT" if commit else "ROLLBACK")
        finally:
            if write:
                self.write_lock.release()

    def json_contains(self, column: str, wanted: dict[str, Any]) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        _match_object(column, "$", wanted, clauses, params)
        # CASE, unlike AND, is evaluated lazily: a row an older version stored as invalid JSON (NaN) never reaches
        # the JSON functions (they raise "malformed JSON"); it just does not match.
        return f"(CASE WHEN json_valid({column}) THEN ({' AND '.join(clauses) or '1=1'}) ELSE 0 END)", params

    def set_vectors(self, tx: Any, table: str, rows: Sequence[tuple[Any, Any]], *, key: str = "id") -> None:
        """Nothing to do: vectors live in the row's BLOB and are searched with numpy."""

    # No vector column and no vector index here (this Python's sqlite3 cannot load sqlite-vec): the engine checks
    # ``vector_indexes`` and never asks for these.
    def nearest(self, tx: Any, select: str, params: Sequence[Any], *, column: str, vector: Any, limit: int,
                ef_search: int) -> list[Any]:
        raise NotImplementedError("SQLite has no vector column; recall searches its vectors in process")

    def fill_vectors(self, tx: Any, table: str, *, key: str, user_id: str) -> int:
        raise NotImplementedError("SQLite has no vector column")

    def vector_mean(self, tx: Any, table: str, *, where: str, params: Sequence[Any]) -> Any:
        raise NotImplementedError("SQLite has no vector column")

    def build_vector_index(self, tx: Any, name: str, table: str, *, user_id: str, current_only: bool) -> None:
        raise NotImplementedError("SQLite has no vector indexes")

    def drop_vector_index(self, tx: Any, name: str) -> None:
        raise NotImplementedError("SQLite has no vector indexes")

    def vector_index_owners(self, tx: Any, prefix: str) -> dict[str, str]:
        return {}

    def explain_migration_error(self, error: BaseException) -> BaseException | None:
        return None

    def migration_lock(self, tx: Any) -> None:
        """Nothing to do: the migration's write transaction already excludes other writers."""

    def lock_user(self, tx: Any, user_id: str) -> None:
        """Serialise memory writes per user. SQLite's single writer already does."""

    def json_array_overlaps(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        marks = ", ".join("?" for _ in values)
        return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value IN ({marks}))", list(values)

    def is_unique_violation(self, error: BaseException) -> bool:
        return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)

    def snapshot(self, tx: Any) -> None:
        """Nothing to do: a WAL read transaction sees one snapshot from its first read on."""

    def reset_serial(self, tx: Any, table: str, column: str) -> None:
        """Nothing to do: AUTOINCREMENT already counts from the largest id ever inserted."""

    def is_unavailable(self, error: BaseException) -> bool:
        return isinstance(error, sqlite3.OperationalError) and (
            "unable to open" in str(error) or "disk I/O" in str(error)
        )

    # Messages use an external-content index keyed by message id over message_search, which holds the text
    # indexed (secrets redacted) and cascades away with the message (migration 0007); memories and summaries
    # (text ids) go through a rowid map table whose rows cascade away with their owner, so stale index rows
    # never match.
    _MAPPED: ClassVar[dict[str, str]] = {"memories": "memory_id", "session_summaries": "summary_id"}

    def index_text(self, tx: Any, table: str, rows: Sequence[tuple[Any, str]]) -> None:
        if table == "messages":
            tx.executemany("INSERT INTO message_search (message_id, content) VALUES (?, ?)", list(rows))
            tx.executemany("INSERT INTO messages_fts(rowid, content) VALUES (?, ?)", list(rows))
            return
        key = self._MAPPED[table]
        for ident, text in rows:
            cur = tx.execute(f"INSERT INTO {table}_fts_map ({key}) VALUES (?)", [ident])
            tx.execute(f"INSERT INTO {table}_fts(rowid, content) VALUES (?, ?)", [cur.lastrowid, text])

    def search_text(self, tx: Any, table: str, query: str, *, where: str, params: Sequence[Any],
                    limit: int) -> list[tuple[Any, float]]:
        terms = [t for t in _FTS_TOKEN.findall(query.lower()) if len(t) > 1]
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in dict.fromkeys(terms))
        if table in self._MAPPED:
            key = self._MAPPED[table]
            joins = f"JOIN {table}_fts_map m ON m.rowid = {table}_fts.rowid JOIN {table} t ON t.id = m.{key}"
        else:
            joins = f"JOIN {table} t ON t.id = {table}_fts.rowid"
        rows = tx.all(
            f"SELECT t.id AS id, bm25({table}_fts) AS score FROM {table}_fts {joins} "
            f"WHERE {table}_fts MATCH ? AND {where} ORDER BY score LIMIT ?",
            [match, *params, limit],
        )
        return [(row["id"], -float(row["score"])) for row in rows]


def _private_directory(directory: Path, db_name: str, *, own: bool) -> None:
    """Create ``directory`` (and missing parents) 0700. An existing one that others may enter is tightened to 0700
    if it is Recallr's data directory (``own``) or holds nothing but this database's files; one shared with other
    files (the working directory of a ``sqlite:///./app.db``, say) is left as it is, with a warning: the database
    files themselves are private anyway."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for created in reversed(missing):
        created.mkdir(mode=0o700, exist_ok=True)
        created.chmod(0o700)  # exactly 0700, whatever the umask
    if missing or directory.stat().st_mode & 0o077 == 0:
        return
    ours = {db_name + suffix for suffix in ("", *_SIDE_FILES)}
    if own or set(os.listdir(directory)) <= ours:
        try:
            directory.chmod(0o700)
            log.warning("%s was open to other users; it is now 0700 (it holds the database)", directory)
            return
        except PermissionError:
            pass
    log.warning("%s, which holds the database, is open to other users (mode %o): `chmod 700` it if it is "
                "Recallr's own directory", directory, directory.stat().st_mode & 0o777)


def _private_files(path: Path) -> None:
    """Create the database file 0600 unless it exists; tighten the database's files to 0600 where looser."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    for file in (path, *(path.with_name(path.name + suffix) for suffix in _SIDE_FILES)):
        try:
            if file.stat().st_mode & 0o077:
                file.chmod(0o600)
        except FileNotFoundError:
            continue
        except PermissionError:
            log.warning("%s is open to other users and not ours to tighten: `chmod 600` it", file)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "real"
    if isinstance(value, str):
        return "text"
    return "array" if isinstance(value, list) else "object"


def _match_object(column: str, path: str, wanted: dict[str, Any], clauses: list[str], params: list[Any]) -> None:
    """Exact JSON equality of each key, typed (1 is not true) and key-order independent for objects."""
    for key, value in wanted.items():
        if '"' in str(key):  # a JSON path cannot quote it: look the key up among its object's members
            _match_member(column, path, str(key), value, clauses, params)
            continue
        sub = path + '."' + str(key) + '"'
        kind = _json_type(value)
        if kind == "real":
            clauses.append(f"json_type({column}, ?) IN ('real', 'integer') AND json_extract({column}, ?) = ?")
            params.extend([sub, sub, value])
            continue
        clauses.append(f"json_type({column}, ?) = ?")
        params.extend([sub, kind])
        if kind in ("integer", "text"):
            clauses.append(f"json_extract({column}, ?) = ?")
            params.extend([sub, value])
        elif kind == "array":
            clauses.append(f"json_extract({column}, ?) = json(?)")
            params.extend([sub, json.dumps(value, separators=(",", ":"))])
        elif kind == "object":
            clauses.append(f"(SELECT COUNT(*) FROM json_each({column}, ?)) = ?")
            params.extend([sub, len(value)])
            _match_object(column, sub, value, clauses, params)


def _match_member(column: str, path: str, key: str, value: Any, clauses: list[str], params: list[Any]) -> None:
    """The member ``key`` of the object at ``path`` equals ``value``; an object value is compared as compact JSON
    text (key order counts here, the one place it does)."""
    kind = _json_type(value)
    test = {"real": "type IN ('real', 'integer') AND atom = ?", "integer": "type = ? AND atom = ?",
            "text": "type = ? AND atom = ?", "null": "type = ?", "true": "type = ?", "false": "type = ?"}.get(kind)
    if test is None:  # array or object
        test = "type = ? AND json(value) = json(?)"
    clauses.append(f"EXISTS (SELECT 1 FROM json_each({column}, ?) WHERE key = ? AND {test})")
    params.extend([path, key])
    if kind != "real":
        params.append(kind)
    if kind in ("real", "integer", "text"):
        params.append(value)
    elif kind in ("array", "object"):
        params.append(json.dumps(value, separators=(",", ":"), ensure_ascii=False))
