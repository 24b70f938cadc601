"""Connections, transactions and migrations, the same for every dialect.

Example::

    db = Database("sqlite:///data/recallr.db")
    db.migrate()
    with db.write() as tx:
        tx.execute("UPDATE users SET metadata = ? WHERE id = ?", ["{}", user_id])
    with db.read() as tx:
        row = tx.one("SELECT * FROM users WHERE id = ?", [user_id])
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import Any

from ..exceptions import ServiceUnavailableError
from .dialects import Dialect, dialect_for
from .dialects.base import Row


def now_us() -> int:
    """The current UTC time in epoch microseconds, the store's timestamp unit."""
    return time.time_ns() // 1000


class Tx:
    """One transaction: ``?``-placeholder SQL, rows addressable by column name."""

    def __init__(self, conn: Any, dialect: Dialect) -> None:
        self.conn = conn
        self.dialect = dialect

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self.dialect.sql(sql), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            cursor = self.conn.cursor()
            try:
                cursor.executemany(self.dialect.sql(sql), rows)
            finally:
                cursor.close()

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        return self.execute(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(self.execute(sql, params).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]


class Database:
    """A database reached through one dialect, with a connection per thread."""

    def __init__(self, url: str, *, own_directory: bool = False) -> None:
        self.url = url
        self.dialect = dialect_for(url, own_directory=own_directory)  # see SQLiteDialect: file permissions
        self._local = threading.local()
        self._connections: list[tuple[Any, threading.Thread]] = []  # every open connection and its thread
        self._lock = threading.Lock()
        self._in_use = 0  # transactions open now, over all threads (metrics: database pool use)

    def stats(self) -> tuple[int, int]:
        """``(open, in_use)``: this process's open connections (one per thread that used the database), and how
        many of them are inside a transaction right now."""
        with self._lock:
            return len(self._connections), self._in_use

    def _connection(self) -> tuple[Any, bool]:
        """This thread's connection, and whether it was opened just now."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn, False
        conn = self.dialect.connect()
        self._local.conn = conn
        with self._lock:
            # Threads come and go (the server's thread pool retires idle ones): close what dead ones left open,
            # or a long-running server would hold ever more database connections.
            orphans = [c for c, thread in self._connections if not thread.is_alive()]
            self._connections = [(c, t) for c, t in self._connections if t.is_alive()]
            self._connections.append((conn, threading.current_thread()))
        for orphan in orphans:
            with contextlib.suppress(Exception):  # closing is best effort
                orphan.close()
        return conn, True

    def _drop_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with self._lock:
                self._connections = [(c, t) for c, t in self._connections if c is not conn]
            with contextlib.suppress(Exception):  # the connection is already broken
                conn.close()

    def _begin(self, *, write: bool) -> Any:
        fresh = True
        try:
            conn, fresh = self._connection()
            self.dialect.begin(conn, write=write)
        except Exception as error:
            if fresh or not self.dialect.is_unavailable(error):
                self._raise_unavailable(error)
                raise
            # The server closed this idle connection (it restarted, or timed the connection out) and nothing has
            # run on it yet: open a new one and try once more, rather than fail a request the database can serve.
            self._drop_connection()
            return self._begin(write=write)
        return conn

    @contextmanager
    def transaction(self, *, write: bool) -> Iterator[Tx]:
        conn = self._begin(write=write)
        ok = False
        with self._lock:
            self._in_use += 1
        try:
            yield Tx(conn, self.dialect)
            ok = True
        except Exception as error:
            self._raise_unavailable(error)
            raise
        finally:
            with self._lock:
                self._in_use -= 1
            try:
                self.dialect.end(conn, write=write, commit=ok)
            except Exception as error:
                if ok:
                    self._raise_unavailable(error)
                    raise

    def _raise_unavailable(self, error: Exception) -> None:
        if self.dialect.is_unavailable(error):
            self._drop_connection()
            raise ServiceUnavailableError("The database is unavailable; retry shortly") from error

    def write(self) -> Any:
        """A write transaction (serialised with other writers)."""
        return self.transaction(write=True)

    def read(self) -> Any:
        """A read-only transaction over a consistent snapshot."""
        return self.transaction(write=False)

    @contextmanager
    def outside_transaction(self) -> Iterator[Tx]:
        """Statements that must not run inside a transaction (PostgreSQL's ``CREATE INDEX CONCURRENTLY``): each
        commits on its own."""
        try:
            conn, _ = self._connection()
            yield Tx(conn, self.dialect)
        except Exception as error:
            self._raise_unavailable(error)
            raise

    def close_thread_connection(self) -> None:
        """Close the calling thread's connection, if it opened one: a short-lived thread calls this before it ends,
        so its connection does not stay open until another thread happens to clean up after it."""
        self._drop_connection()

    def migrate(self) -> list[int]:
        """Apply pending numbered migrations; returns the versions applied.

        A migration that fails (pgvector missing, no privilege) leaves no connection open: the caller usually gives
        up on this database, and a connection left to the garbage collector would hold a server slot until then.
        """
        try:
            return self._migrate()
        except BaseException:
            self._drop_connection()
            raise

    def _migrate(self) -> list[int]:
        applied: list[int] = []
        with self.write() as tx:
            self.dialect.migration_lock(tx)
            tx.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            )
            done = {row[0] for row in tx.all("SELECT version FROM schema_migrations")}
            for version, name, script in _migrations(self.dialect):
                if version in done:
                    continue
                for statement in _statements(script):
                    try:
                        tx.execute(statement)
                    except Exception as error:
                        clearer = self.dialect.explain_migration_error(error)
                        if clearer is not None:
                            raise clearer from error
                        raise
                tx.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [version, name, now_us()])
                applied.append(version)
        return applied

    def close(self) -> None:
        with self._lock:
            connections, self._connections = [c for c, _ in self._connections], []
        for conn in connections:
            with contextlib.suppress(Exception):  # closing is best effort
                conn.close()
        self._local = threading.local()


def _migrations(dialect: Dialect) -> list[tuple[int, str, str]]:
    """``(version, name, sql)`` for every migration, its dialect part appended."""
    folder = resources.files("recallr.store") / "migrations"
    found: list[tuple[int, str, str]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = entry.name
        if not name.endswith(".sql") or name.count(".") != 1:
            continue
        stem = name.removesuffix(".sql")
        script = entry.read_text().format(**dialect.type_tokens)
        extra = folder / f"{stem}.{dialect.name}.sql"
        if extra.is_file():
            script += "\n" + extra.read_text()
        found.append((int(stem.split("_", 1)[0]), stem, script))
    return found


def _statements(script: str) -> list[str]:
    """Split a migration into statements; a CREATE TRIGGER body stays whole."""
    statements: list[str] = []
    current: list[str] = []
    in_trigger = False
    for line in script.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("--"):
            continue
        current.append(line)
        if stripped.upper().startswith("CREATE TRIGGER"):
            in_trigger = True
        if stripped.endswith(";") and (not in_trigger or stripped.upper() == "END;"):
            statements.append("\n".join(current))
            current, in_trigger = [], False
    if current:
        statements.append("\n".join(current))
    return statements
