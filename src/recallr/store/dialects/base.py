"""The dialect protocol: what the store asks of a database backend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Protocol

Row = Any  # sqlite3.Row or a psycopg dict row: both support row["column"]


class Connection(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...
    def close(self) -> None: ...


class Dialect(Protocol):
    """A database backend: connections, transactions and the SQL that differs."""

    name: str
    type_tokens: ClassVar[dict[str, str]]
    skip_locked: ClassVar[str]  # appended to a claim query: " FOR UPDATE SKIP LOCKED" where supported
    vector_dim: ClassVar[int | None]  # the fixed embedding width the schema requires, if any
    vector_indexes: ClassVar[bool]  # whether large users get an approximate (HNSW) vector index of their own

    def connect(self) -> Any:
        """A new DB-API connection in autocommit mode (transactions are explicit)."""

    def sql(self, statement: str) -> str:
        """``statement`` (written with ``?`` placeholders) in this dialect's paramstyle."""

    def begin(self, conn: Any, *, write: bool) -> None:
        """Start a transaction; a write transaction takes the write lock up front."""

    def end(self, conn: Any, *, write: bool, commit: bool) -> None:
        """Commit (or roll back) the transaction ``begin`` started."""

    def json_contains(self, column: str, wanted: dict[str, Any]) -> tuple[str, list[Any]]:
        """A WHERE fragment true when the JSON object in ``column`` has every key/value of ``wanted``."""

    def set_vectors(self, tx: Any, table: str, rows: Sequence[tuple[Any, Any]], *, key: str = "id") -> None:
        """Store ``(key, vector)`` rows' embeddings where the dialect searches them (pgvector column); may do
        nothing."""

    def explain_migration_error(self, error: BaseException) -> BaseException | None:
        """A clearer error for a failed migration statement (a missing extension, say), or None."""

    def migration_lock(self, tx: Any) -> None:
        """Serialise concurrent ``migrate()`` calls from several processes."""

    def lock_user(self, tx: Any, user_id: str) -> None:
        """Hold the user's row until commit, so two sessions of one user never consolidate at once."""

    def json_array_overlaps(self, column: str, values: Sequence[str]) -> tuple[str, list[Any]]:
        """A WHERE fragment true when the JSON array in ``column`` holds any of ``values``."""

    def is_unique_violation(self, error: BaseException) -> bool: ...

    def snapshot(self, tx: Any) -> None:
        """Make the read transaction ``tx`` (before its first query) see one snapshot for all its statements."""

    def reset_serial(self, tx: Any, table: str, column: str) -> None:
        """After rows were inserted with explicit values of the serial ``column``, make new rows get higher ones."""

    def is_unavailable(self, error: BaseException) -> bool:
        """Whether ``error`` means the database cannot be reached (answered with 503)."""

    def nearest(self, tx: Any, select: str, params: Sequence[Any], *, column: str, vector: Any, limit: int,
                ef_search: int) -> list[Any]:
        """The first ``limit`` rows of ``select`` (``SELECT ... FROM ... WHERE ...``) by the cosine distance of their
        vector ``column`` to ``vector``: through a vector index whose predicate is the query's WHERE, else by an
        exact scan."""

    def fill_vectors(self, tx: Any, table: str, *, key: str, user_id: str) -> int:
        """Copy the user's stored embeddings that the vector column lacks into it; returns how many."""

    def vector_mean(self, tx: Any, table: str, *, where: str, params: Sequence[Any]) -> Any:
        """The mean of the vectors of ``table`` rows (aliased ``t``) matching ``where``, or None for no rows."""

    def build_vector_index(self, tx: Any, name: str, table: str, *, user_id: str, current_only: bool) -> None:
        """Build (without blocking writers) index ``name`` over the user's vectors in ``table``; ``tx`` runs
        outside any transaction. Replaces an invalid index left by a build that died."""

    def drop_vector_index(self, tx: Any, name: str) -> None:
        """Drop index ``name`` if it exists (outside any transaction, without blocking writers)."""

    def vector_index_owners(self, tx: Any, prefix: str) -> dict[str, str]:
        """This schema's vector indexes whose names start with ``prefix``: name -> the user id they cover."""

    def index_text(self, tx: Any, table: str, rows: Sequence[tuple[Any, str]]) -> None:
        """Add ``(id, text)`` rows of ``table`` to its full-text index."""

    def search_text(self, tx: Any, table: str, query: str, *, where: str, params: Sequence[Any],
                    limit: int) -> list[tuple[Any, float]]:
        """Full-text search of ``table`` (aliased ``t`` in ``where``): ``(id, score)`` best first, higher is better."""
