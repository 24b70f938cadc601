"""SQLite: one file in WAL mode, foreign keys on, writes serialised through one lock."""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from ...exceptions import ConfigurationError

_FTS_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


class SQLiteDialect:
    """The embedded default. ``sqlite:///relative/or/absolute/path.db``."""

    name = "sqlite"
    type_tokens: ClassVar[dict[str, str]] = {"bytes": "BLOB", "serial_pk": "INTEGER PRIMARY KEY AUTOINCREMENT"}
    skip_locked: ClassVar[str] = ""  # BEGIN IMMEDIATE already gives the claiming writer the whole database

    def __init__(self, url: str) -> None:
        path = url.removeprefix("sqlite:///").removeprefix("sqlite://")
        if not path:
            raise ConfigurationError("sqlite URL needs a file path: sqlite:///path/to/recallr.db")
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One writer per process; other processes wait on SQLite's own lock (busy_timeout).
        self.write_lock = threading.Lock()

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # durable against process crashes, fast
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
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
        for key, value in wanted.items():
            path = '$."' + str(key).replace('"', '""') + '"'
            if isinstance(value, dict | list):
                clauses.append(f"json(json_extract({column}, ?)) = json(?)")
                params.extend([path, json.dumps(value, separators=(",", ":"))])
            elif value is None:
                clauses.append(f"json_type({column}, ?) = 'null'")
                params.append(path)
            else:
                clauses.append(f"json_extract({column}, ?) IS ?")
                params.extend([path, value])
                if isinstance(value, bool):
                    clauses[-1] += f" AND json_type({column}, ?) = ?"
                    params.extend([path, "true" if value else "false"])
        return (" AND ".join(clauses) or "1=1"), params

    def is_unique_violation(self, error: BaseException) -> bool:
        return isinstance(error, sqlite3.IntegrityError) and "UNIQUE" in str(error)

    def is_unavailable(self, error: BaseException) -> bool:
        return isinstance(error, sqlite3.OperationalError) and (
            "unable to open" in str(error) or "disk I/O" in str(error)
        )

    def index_text(self, tx: Any, table: str, rows: Sequence[tuple[int, str]]) -> None:
        tx.executemany(f"INSERT INTO {table}_fts(rowid, content) VALUES (?, ?)", list(rows))

    def search_text(self, tx: Any, table: str, query: str, *, owner_sql: str, owner_params: Sequence[Any],
                    limit: int) -> list[tuple[Any, float]]:
        terms = [t for t in _FTS_TOKEN.findall(query.lower()) if len(t) > 1]
        if not terms:
            return []
        match = " OR ".join(f'"{t}"' for t in dict.fromkeys(terms))
        rows = tx.all(
            f"SELECT t.id AS id, bm25({table}_fts) AS score FROM {table}_fts "
            f"JOIN {table} t ON t.id = {table}_fts.rowid "
            f"WHERE {table}_fts MATCH ? AND {owner_sql} ORDER BY score LIMIT ?",
            [match, *owner_params, limit],
        )
        return [(row["id"], -float(row["score"])) for row in rows]
