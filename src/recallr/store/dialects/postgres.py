"""PostgreSQL (psycopg 3): full-text search in tsvector columns, row locks with SKIP LOCKED for workers."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from ...exceptions import ConfigurationError

_TERM = re.compile(r"[^\W_]+", re.UNICODE)
_MIGRATION_LOCK = 7_301_205_611  # any fixed number: serialises concurrent `migrate()` calls
_INDEX_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
_OWNER = re.compile(r"user_id = '((?:[^']|'')*)'")
# Memory for building one user's HNSW graph: 100,000 vectors of 384 dimensions need ~200 MB; a graph that does not
# fit is built several times slower. Only this build's session uses it, and builds are rare (a user crossing
# RECALLR_ANN_MIN_MEMORIES).
_BUILD_MEMORY = "512MB"


class Row:
    """A result row addressable by column name or position (like ``sqlite3.Row``)."""

    __slots__ = ("_positions", "_values")

    def __init__(self, positions: dict[str, int], values: Sequence[Any]) -> None:
        self._positions = positions  # shared by every row of one result
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        return self._values[key] if isinstance(key, int) else self._values[self._positions[key]]

    def keys(self) -> list[str]:
        return list(self._positions)


def _rows(cursor: Any) -> Any:
    names = [d.name for d in cursor.description] if cursor.description else []
    positions = {name: i for i, name in reversed(list(enumerate(names)))}  # a repeated name: its first column
    return lambda values: Row(positions, values)


def _check_index_name(name: str) -> None:
    if not _INDEX_NAME.fullmatch(name):
        raise ValueError(f"not an index name Recallr makes: {name!r}")


def _vector(values: Any) -> str:
    """A pgvector literal: ``[0.1,0.2,...]``."""
    # Python floats, not numpy scalars: the same text three times faster (bulk imports write 100,000s of vectors).
    items = values.tolist() if hasattr(values, "tolist") else values
    return "[" + ",".join([f"{x:.7g}" for x in items]) + "]"


class PostgresDialect:
    """``postgresql://user@host:5432/db``: several API and worker processes may share it."""

    name = "postgres"
    type_tokens: ClassVar[dict[str, str]] = {"bytes": "BYTEA", "serial_pk": "BIGSERIAL PRIMARY KEY"}
    skip_locked: ClassVar[str] = " FOR UPDATE SKIP LOCKED"
    vector_dim: ClassVar[int | None] = 384  # the pgvector column's width (migration 0003)
    vector_indexes: ClassVar[bool] = True

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as error:
            raise ConfigurationError("PostgreSQL needs psycopg (the postgres extra of recallr-memory): "
                                     "pip install 'psycopg[binary,pool]>=3.1'") from error
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
        # Texts holding a token jsonb refuses (stored by older versions) go through a function that answers NULL
        # for them (migration 0008) rather than failing the whole query; the rest are cast directly.
        doc = (f"(CASE WHEN strpos({column}, 'NaN') + strpos({column}, 'Infinity') + strpos({column}, '\\u0000') "
               f"= 0 THEN ({column})::jsonb ELSE recallr_jsonb_or_null({column}) END)")
        clauses, params = [], []
        for key, value in wanted.items():
            clauses.append(f"({doc} -> ?) = (?)::jsonb")
            params.extend([str(key), json.dumps(value)])
        return f"COALESCE({' AND '.join(clauses) or 'TRUE'}, FALSE)", params

    def json_array_overlaps(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        return f"jsonb_exists_any(({column})::jsonb, (?)::text[])", [list(values)]

    def is_unique_violation(self, error: BaseException) -> bool:
        return isinstance(error, self._psycopg.errors.UniqueViolation)

    def snapshot(self, tx: Any) -> None:
        # READ COMMITTED (the default) takes a new snapshot per statement: an export paging through tables
        # could see a memory whose session it had already passed.
        tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    def reset_serial(self, tx: Any, table: str, column: str) -> None:
        tx.execute(f"SELECT setval(pg_get_serial_sequence(?, ?), (SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}), "
                   "false)", [table, column])

    def is_unavailable(self, error: BaseException) -> bool:
        """Connection-level failures only (no SQLSTATE, class 08, or the server shutting down/starting up)."""
        psycopg = self._psycopg
        if isinstance(error, psycopg.InterfaceError):
            return True
        if not isinstance(error, psycopg.OperationalError):
            return False
        state = getattr(error, "sqlstate", None)
        return state is None or state.startswith("08") or state in ("57P01", "57P02", "57P03")

    def set_vectors(self, tx: Any, table: str, rows: Sequence[tuple[Any, Any]], *, key: str = "id") -> None:
        tx.executemany(f"UPDATE {table} SET vec = (?)::vector WHERE {key} = ?",
                       [(_vector(vector), ident) for ident, vector in rows])

    def nearest(self, tx: Any, select: str, params: Sequence[Any], *, column: str, vector: Any, limit: int,
                ef_search: int) -> list[Any]:
        """By the user's partial HNSW index when ``select``'s WHERE is its predicate (``hnsw.ef_search``
        candidates, so it must be at least ``limit``), else by an exact scan of the rows ``select`` selects."""
        tx.execute(f"SET LOCAL hnsw.ef_search = {max(int(ef_search), int(limit))}")
        # Not prepared, for the reason given in search_text, and more: a partial index serves a query only when
        # the planner sees the user id's value, which a generic plan hides.
        return list(tx.conn.execute(self.sql(f"{select} ORDER BY {column} <=> (?)::vector LIMIT ?"),
                                    [*params, _vector(vector), limit], prepare=False).fetchall())

    def fill_vectors(self, tx: Any, table: str, *, key: str, user_id: str) -> int:
        import numpy as np

        rows = tx.all(f"SELECT {key} AS k, embedding FROM {table} WHERE user_id = ? AND vec IS NULL "
                      "AND embedding IS NOT NULL", [user_id])
        self.set_vectors(tx, table, [(r["k"], np.frombuffer(r["embedding"], np.float32)) for r in rows], key=key)
        return len(rows)

    def vector_mean(self, tx: Any, table: str, *, where: str, params: Sequence[Any]) -> Any:
        import numpy as np

        text = tx.scalar(f"SELECT avg(t.vec)::text FROM {table} t WHERE {where}", params)
        return None if text is None else np.array(json.loads(text), dtype=np.float32)

    def build_vector_index(self, tx: Any, name: str, table: str, *, user_id: str, current_only: bool) -> None:
        _check_index_name(name)
        valid = tx.scalar("SELECT x.indisvalid FROM pg_class c JOIN pg_index x ON x.indexrelid = c.oid "
                          "WHERE c.relname = ? AND c.relnamespace = current_schema()::regnamespace", [name])
        if valid is False:  # a build that died (its process killed, the database restarted) leaves it behind
            self.drop_vector_index(tx, name)
        predicate = f"user_id = {self._psycopg.sql.Literal(user_id).as_string(tx.conn)}"
        if current_only:
            predicate += " AND expired_at IS NULL"
        tx.execute(f"SET maintenance_work_mem = '{_BUILD_MEMORY}'")
        try:
            # CONCURRENTLY: other users' writes to the table go on while the graph is built.
            tx.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} USING hnsw "
                       f"(vec vector_cosine_ops) WITH (m = 16, ef_construction = 64) WHERE {predicate}")
        finally:
            tx.execute("RESET maintenance_work_mem")

    def drop_vector_index(self, tx: Any, name: str) -> None:
        _check_index_name(name)
        tx.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")

    def vector_index_owners(self, tx: Any, prefix: str) -> dict[str, str]:
        # The user id is the string constant of the index's predicate: "(user_id = '<id>'::text) AND ...".
        rows = tx.all("SELECT c.relname AS name, pg_get_expr(x.indpred, x.indrelid) AS predicate FROM pg_class c "
                      "JOIN pg_index x ON x.indexrelid = c.oid WHERE c.relnamespace = current_schema()::regnamespace "
                      "AND c.relname LIKE ?", [prefix.replace("_", "\\_") + "%"])
        owners = {row["name"]: _OWNER.search(row["predicate"] or "") for row in rows}
        return {name: found.group(1).replace("''", "'") for name, found in owners.items() if found}

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
