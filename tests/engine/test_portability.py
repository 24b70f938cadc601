"""Export -> import into an empty store gives back exactly what the API read before, on both backends.

The history is built through the SDK (``archive_history.py``); the archive goes through a real file; the
restored store is read through a second embedded client. Conflicting ids and malformed archives are refused.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from recallr import RecallrAI
from recallr.engine.portability import export_lines, import_archive, read_lines
from recallr.exceptions import ArchiveConflictError, ArchiveError
from recallr.store import Database
from recallr.store.archive import Scope

from ..conftest import _postgres_schema, shared_embedder
from .archive_history import api_reads, build_history


def open_client(data_dir: Path, database_url: str | None, *, worker: bool = True) -> RecallrAI:
    client = RecallrAI.embedded(data_dir, worker_poll_seconds=0.05, min_auto_process_seconds=0,
                                database_url=database_url, run_worker=worker)
    client._embedded.engine._embedder = shared_embedder()
    return client


def url_of(data_dir: Path, database_url: str | None) -> str:
    return database_url or f"sqlite:///{data_dir / 'recallr.db'}"


@contextlib.contextmanager
def empty_store(like: str | None) -> Iterator[str | None]:
    """A second empty database on the same backend as ``like`` (None: SQLite)."""
    if like is None:
        yield None
    else:
        yield from _postgres_schema()


def write_archive(url: str, path: Path, scope: Scope | None = None) -> bytes:
    db = Database(url)
    try:
        with open(path, "wb") as out:
            for line in export_lines(db, scope or Scope()):
                out.write(line)
    finally:
        db.close()
    return path.read_bytes()


def load_archive(url: str, path: Path, **options: Any) -> Any:
    db = Database(url)
    try:
        db.migrate()
        with open(path, "rb") as archive:
            return import_archive(db, read_lines(archive), **options)
    finally:
        db.close()


def without_header_time(archive: bytes) -> list[Any]:
    lines = [json.loads(line) for line in archive.splitlines()]
    lines[0].pop("created_at")
    return lines


@pytest.fixture
def history(tmp_path: Path, database_url: str | None) -> Iterator[tuple[str, dict[str, Any], bytes]]:
    """(source URL, API reads, archive bytes) of a store holding ``build_history``."""
    with open_client(tmp_path / "source", database_url) as client:
        build_history(client)
        url = url_of(tmp_path / "source", database_url)
        archive = write_archive(url, tmp_path / "archive.jsonl")
        yield url, api_reads(client), archive


def test_round_trip_restores_every_api_read(history: tuple[str, dict[str, Any], bytes], tmp_path: Path,
                                            database_url: str | None) -> None:
    _, before, archive = history
    header = json.loads(archive.splitlines()[0])
    assert header["format"] == "recallr-archive" and header["version"] == 1 and header["secrets"] is False
    assert "api_keys" not in header["counts"], "key hashes are exported only when asked"
    assert all(header["counts"][t] > 0 for t in ("users", "sessions", "messages", "memories", "memory_sources",
                                                 "memory_connections", "merge_conflicts", "session_summaries"))
    with empty_store(database_url) as target_url:
        result = load_archive(url_of(tmp_path / "target", target_url), tmp_path / "archive.jsonl")
        assert result.written == result.read == {k: v for k, v in header["counts"].items() if v}
        with open_client(tmp_path / "target", target_url, worker=False) as restored:
            after = api_reads(restored)
        again = write_archive(url_of(tmp_path / "target", target_url), tmp_path / "again.jsonl")
    assert json.dumps(after, sort_keys=True) == json.dumps(before, sort_keys=True)
    assert without_header_time(again) == without_header_time(archive), "the restored store exports the same rows"


def test_import_refuses_conflicting_ids_unless_told(history: tuple[str, dict[str, Any], bytes],
                                                    tmp_path: Path) -> None:
    url, before, archive = history
    path = tmp_path / "archive.jsonl"
    with pytest.raises(ArchiveConflictError) as refused:
        load_archive(url, path)
    assert refused.value.http_status == 409 and "--on-conflict" in refused.value.message
    skipped = load_archive(url, path, on_conflict="skip")
    assert sum(skipped.written.values()) == 0 and sum(skipped.read.values()) > 0
    replaced = load_archive(url, path, on_conflict="replace")
    assert replaced.written["messages"] == replaced.read["messages"]
    assert write_archive(url, tmp_path / "after-replace.jsonl") and without_header_time(
        (tmp_path / "after-replace.jsonl").read_bytes()) == without_header_time(archive)
    with open_client(tmp_path / "source", None if url.startswith("sqlite") else url, worker=False) as client:
        assert json.dumps(api_reads(client), sort_keys=True) == json.dumps(before, sort_keys=True)


def _lines(archive: bytes) -> list[bytes]:
    return archive.splitlines(keepends=True)


def _edited(archive: bytes, edit: Any) -> bytes:
    return b"".join(edit(_lines(archive)))


def _first_row(lines: list[bytes], table: str) -> int:
    return next(n for n, line in enumerate(lines) if json.loads(line).get("table") == table)


def _replace_row(lines: list[bytes], table: str, change: Any) -> list[bytes]:
    n = _first_row(lines, table)
    record = json.loads(lines[n])
    change(record["row"])
    return [*lines[:n], json.dumps(record).encode() + b"\n", *lines[n + 1:]]


MALFORMED = [
    pytest.param(lambda lines: lines[:-1], "truncated", id="no-end-line"),
    pytest.param(lambda lines: lines[:len(lines) // 2], "truncated", id="cut-in-the-middle"),
    pytest.param(lambda lines: lines[1:], "Not a Recallr archive", id="no-header"),
    pytest.param(lambda lines: [lines[0].replace(b'"version":1', b'"version":99'), *lines[1:]], "version 99",
                 id="newer-version"),
    pytest.param(lambda lines: [*lines[:2], b"{not json\n", *lines[2:]], "not JSON", id="not-json"),
    pytest.param(lambda lines: [*lines[:2], b"[1, 2]\n", *lines[2:]], "not a JSON object", id="not-an-object"),
    pytest.param(lambda lines: [*lines[:2], b'{"table": "schema_migrations", "row": {}}\n', *lines[2:]],
                 "Unknown archive record", id="unknown-table"),
    pytest.param(lambda lines: _replace_row(lines, "users", lambda row: row.pop("email")), "exactly the columns",
                 id="missing-column"),
    pytest.param(lambda lines: _replace_row(lines, "users", lambda row: row.update(admin=True)),
                 "exactly the columns", id="extra-column"),
    pytest.param(lambda lines: _replace_row(lines, "memories", lambda row: row.update(embedding="%%%")),
                 "not base64", id="bad-embedding"),
    pytest.param(lambda lines: _replace_row(lines, "users", lambda row: row.update(metadata={"a": 1})),
                 "wrong type", id="object-value"),
    pytest.param(lambda lines: _replace_row(lines, "sessions", lambda row: row.update(created_at="yesterday")),
                 "wrong type", id="text-for-a-timestamp"),
    pytest.param(lambda lines: _replace_row(lines, "users", lambda row: row.update(email=True)), "wrong type",
                 id="boolean-for-text"),
    pytest.param(lambda lines: _replace_row(lines, "messages", lambda row: row.update(id="7")), "wrong type",
                 id="text-message-id"),
    pytest.param(lambda lines: _replace_row(lines, "users", lambda row: row.update(metadata="{oops")),
                 "not JSON text", id="metadata-not-json"),
    pytest.param(lambda lines: [lines[0], lines[_first_row(lines, "memories")], *lines[1:]], "must be in order",
                 id="tables-out-of-order"),
    pytest.param(lambda lines: [*lines, lines[1]], "after its end line", id="rows-after-end"),
]


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """One archive of ``build_history`` on SQLite, for tests that spoil it."""
    folder = tmp_path_factory.mktemp("archive")
    with open_client(folder / "source", None) as client:
        build_history(client)
    return write_archive(url_of(folder / "source", None), folder / "archive.jsonl")


@pytest.mark.parametrize(("edit", "message"), MALFORMED)
def test_malformed_archive_is_refused_with_a_reason(sqlite_archive: bytes, tmp_path: Path, edit: Any,
                                                    message: str) -> None:
    archive = sqlite_archive
    path = tmp_path / "bad.jsonl"
    path.write_bytes(_edited(archive, edit))
    with pytest.raises(ArchiveError) as refused:
        load_archive(f"sqlite:///{tmp_path / 'target' / 'recallr.db'}", path)
    assert message in refused.value.message


def test_line_longer_than_the_limit_is_refused_before_parsing(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from recallr.engine import portability

    monkeypatch.setattr(portability, "MAX_LINE_BYTES", 1000)
    path = tmp_path / "huge.jsonl"
    path.write_bytes(b'{"format": "recallr-archive", "version": 1, "pad": "' + b"x" * 5000 + b'"}\n')
    with pytest.raises(ArchiveError, match="longer than 1000 bytes"):
        load_archive(f"sqlite:///{tmp_path / 'target' / 'recallr.db'}", path)
