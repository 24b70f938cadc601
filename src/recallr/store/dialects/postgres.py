"""PostgreSQL (psycopg 3): full-text search in tsvector columns, row locks with SKIP LOCKED for workers."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from ...exceptions import ConfigurationError

_TERM = re.compile(r"[^\W_]+", re.UNICODE)
_MIGRATION_LOCK = 7_301_205_611  # any fixed number: serialises concurrent `migrate()` calls


class Row:
    """A result row addressable by column name or position (like ``sqlite3.Row``)."""

    __slots__ = ("_names", "_values")

    def __init__(self, names: list[str], values: Sequence[Any]) -> None:
        self._names = names
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        return self._values[key] if isinstance(key, int) else self._values[self._names.index(key)]

    def keys(self) -> list[str]:
        return list(self._names)


def _rows(cursor: Any) -> Any:
    names = [d.name for d in cursor.description] if cursor.description else []
    return lambda values: Row(names, values)


def _vector(values: Any) -> str:
    """A pgvector literal: ``[0.1,0.2,...]``."""
    return "[" + ",".join(f"{x:.7g}" for x in values) + "]"


class PostgresDialect:
    """``postgresql://user@host:5432/db``: several API and worker processes may share it."""

    name = "postgres"
    type_tokens: ClassVar[dict[str, str]] = {"bytes": "BYTEA", "serial_pk": "BIGSERIAL PRIMARY KEY"}
    skip_locked: ClassVar[str] = " FOR UPDATE SKIP LOCKED"
    vector_dim: ClassVar[int | None] = 384  # the pgvector column's width (migration 0003)

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as error:
            raise ConfigurationError("PostgreSQL needs psycopg: pip install 'recallr[postgres]'") from error
        self._psycopg = psycopg
        self.url = url

    def connect(self) -> Any:
        conn = self._psycopg.connect(self.url, autocommit=True, connect_timeout=5)
        conn.row_factory = _rows
        return conn

    def sql(self, statement: str) -> str:
        return statement.replace("%", "%%").replace("?", "%s")

    def begin(self, conn: Any, *, write: bool) -> None:
        conn.execute("BEGIN" if write else "BEGIN READ ONLY")

    def end(self, conn: Any, *, write: bool, commit: bool) -> None:
        conn.execute("COMMIT" if commit else "ROLLBACK")

    def migration_lock(self, tx: Any) -> None:
        tx.execute("SELECT pg_advisory_xact_lock(?)", [_MIGRATION_LOCK])

    def lock_user(self, tx: Any, user_id: str) -> None:
        # NO KEY UPDATE: serialises memory writers of one user without blocking foreign-key checks.
        tx.execute("SELECT id FROM users WHERE id = ? FOR NO KEY UPDATE", [user_id])

    def json_contains(self, column: str, wanted: dict[str, Any]) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for key, value in wanted.items():
            clauses.append(f"(({column})::jsonb -> ?) = (?)::jsonb")
            params.extend([str(key), json.dumps(value)])
        return (" AND ".join(clauses) or "TRUE"), params

    def json_array_overlaps(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        return f"jsonb_exists_any(({column})::jsonb, (?)::text[])", [list(values)]

    def is_unique_violation(self, error: BaseException) -> bool:
        return isinstance(error, self._psycopg.errors.UniqueViolation)

    def is_unavailable(self, error: BaseException) -> bool:
        """Connection-level failures only (no SQLSTATE, class 08, or the server shutting down/starting up)."""
        psycopg = self._psycopg
        if isinstance(error, psycopg.InterfaceError):
            return True
        if not isinstance(error, psycopg.OperationalError):
            return False
        state = getattr(error, "sqlstate", None)
        return state is None or state.startswith("08") or state in ("57P01", "57P02", "57P03")

    def set_vector(self, tx: Any, table: str, ident: Any, vector: Any) -> None:
        tx.execute(f"UPDATE {table} SET vec = (?)::vector WHERE id = ?", [_vector(vector), ident])

    def nearest(self, tx: Any, table: str, vector: Any, *, where: str, params: Sequence[Any], limit: int,
                ef_search: int) -> list[Any] | None:
        """The HNSW index (pgvector >= 0.8): iterative scans keep going until ``limit`` rows pass ``where``."""
        tx.execute(f"SET LOCAL hnsw.ef_search = {int(ef_search)}")
        tx.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        rows = tx.conn.execute(self.sql(  # not prepared, for the reason given in search_text
            f"SELECT t.id AS id FROM {table} t WHERE {where} ORDER BY t.vec <=> (?)::vector LIMIT ?"),
            [*params, _vector(vector), limit], prepare=False).fetchall()
        return [row["id"] for row in rows]

    def explain_migration_error(self, error: BaseException) -> BaseException | None:
        if "vector" in str(error) and ("extension" in str(error) or "type" in str(error)):
            return ConfigurationError(
                "PostgreSQL needs the pgvector extension: run the pgvector/pgvector image or install "
                f"postgresql-<major>-pgvector (scripts/install-pgvector.sh builds it on Debian). ({error})")
        return None

    def index_text(self, tx: Any, table: str, rows: Sequence[tuple[Any, str]]) -> None:
        tx.executemany(f"UPDATE {table} SET tsv = to_tsvector('english', ?) WHERE id = ?",
                       [(text, ident) for ident, text in rows])

    def search_text(self, tx: Any, table: str, query: str, *, where: str, params: Sequence[Any],
                    limit: int) -> list[tuple[Any, float]]:
        terms = [t for t in dict.fromkeys(_TERM.findall(query.lower())) if len(t) > 1]
        if not terms:
            return []
        # Never a prepared statement: after five runs PostgreSQL may switch to a generic plan, which cannot tell a
        # user with few rows (scan them) from one with many (use the GIN index), and then intersects the GIN
        # matches of *every* user: tens of milliseconds per query with a million rows, for any user.
        rows = tx.conn.execute(self.sql(
            f"SELECT t.id AS id, ts_rank_cd(t.tsv, q) AS score FROM {table} t, "
            f"to_tsquery('english', ?) q WHERE t.tsv @@ q AND {where} ORDER BY score DESC LIMIT ?"),
            [" | ".join(terms), *params, limit], prepare=False,
        ).fetchall()
        return [(row["id"], float(row["score"])) for row in rows]
