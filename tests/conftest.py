"""Shared fixtures: real SQLite files, a live uvicorn server, clients over both transports."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from recallr import AsyncRecallrAI, RecallrAI
from recallr.bootstrap import Engine
from recallr.embedding import load_embedder
from recallr.mcp.http import mount as mount_mcp
from recallr.server import create_app
from recallr.settings import Settings

_EMBEDDER: Any = None


def shared_embedder() -> Any:
    """One real MiniLM model for the whole test run (loading it costs ~0.5 s)."""
    global _EMBEDDER
    if _EMBEDDER is None:
        _EMBEDDER = load_embedder("minilm")
    return _EMBEDDER


POSTGRES_URL = os.environ.get("RECALLR_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


_EXTENSIONS_READY = False


def _extensions_in_public(conn: Any) -> None:
    """pgvector and btree_gin in ``public``, once per test process.

    Left to the migrations, the first test on a fresh database would create them in its own throwaway schema (the
    first on its search path), where tests running in parallel cannot see the ``vector`` type, and dropping that
    schema would drop the extension with every other schema's vector columns.
    """
    global _EXTENSIONS_READY
    if _EXTENSIONS_READY:
        return
    available = {row[0] for row in conn.execute(
        "SELECT name FROM pg_available_extensions WHERE name IN ('vector', 'btree_gin')")}
    if "vector" not in available:
        message = ("pgvector is not installed in the PostgreSQL at RECALLR_TEST_POSTGRES_URL "
                   "(scripts/install-pgvector.sh builds it on Debian; `python3 dev.py test` runs it when it can)")
        if os.environ.get("RECALLR_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    for name in sorted(available):
        conn.execute(f"CREATE EXTENSION IF NOT EXISTS {name} SCHEMA public")
        if conn.execute("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = %s",
                        [name]).fetchone() != ("public",):
            conn.execute(f"ALTER EXTENSION {name} SET SCHEMA public")  # created in a test's schema by older code
    _EXTENSIONS_READY = True


def _postgres_schema() -> Iterator[str]:
    """A fresh schema on the real PostgreSQL server, dropped afterwards; yields its database URL."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        _extensions_in_public(conn)
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema},public"  # public: where pgvector lives
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    """None (SQLite in the data dir) or a throwaway schema on the real PostgreSQL."""
    if request.param == "sqlite":
        yield None
    else:
        yield from _postgres_schema()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A throwaway schema on the real PostgreSQL, for tests of what only PostgreSQL does (mark them postgres)."""
    yield from _postgres_schema()


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": data_dir, "worker_poll_seconds": 0.05, "lease_seconds": 30,
                              "min_auto_process_seconds": 0}
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    return make_settings(tmp_path / "data", database_url=database_url)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    eng = Engine(settings, embedder=shared_embedder())
    yield eng
    eng.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """uvicorn serving ``create_app(engine)`` with MCP at /mcp (as ``recallr serve``) on a loopback port, with the
    worker running."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.project, key = engine.projects.create("test")
        self.api_key = key.api_key
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(create_app(engine, mounts=[mount_mcp]), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="off",
                                timeout_keep_alive=engine.settings.keep_alive_seconds)
        self.server = uvicorn.Server(config)
        self.worker = engine.worker()
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.worker.start()
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.worker.stop()


@pytest.fixture
def live_server(engine: Engine) -> Iterator[LiveServer]:
    with LiveServer(engine) as server:
        yield server


@pytest.fixture(params=["embedded", "http"])
def client(request: pytest.FixtureRequest, tmp_path: Path, database_url: str | None) -> Iterator[RecallrAI]:
    """Our sync SDK, embedded in-process and over real HTTP, on each backend."""
    if request.param == "embedded":
        with RecallrAI.embedded(tmp_path / "embedded", worker_poll_seconds=0.05, min_auto_process_seconds=0,
                                database_url=database_url) as c:
            c._embedded.engine._embedder = shared_embedder()
            yield c
        return
    engine = Engine(make_settings(tmp_path / "http", database_url=database_url), embedder=shared_embedder())
    with LiveServer(engine) as server, RecallrAI(server.api_key, server.project.id, base_url=server.base_url) as c:
        yield c
    engine.close()


@pytest.fixture(params=["embedded", "http"])
async def aclient(request: pytest.FixtureRequest, tmp_path: Path,
                  database_url: str | None) -> AsyncIterator[AsyncRecallrAI]:
    """Our async SDK, embedded in-process and over real HTTP, on each backend."""
    if request.param == "embedded":
        c = AsyncRecallrAI.embedded(tmp_path / "embedded", worker_poll_seconds=0.05, min_auto_process_seconds=0,
                                    database_url=database_url)
        c._embedded.engine._embedder = shared_embedder()
        yield c
        await c.close()
        return
    engine = Engine(make_settings(tmp_path / "http", database_url=database_url), embedder=shared_embedder())
    with LiveServer(engine) as server:
        c = AsyncRecallrAI(server.api_key, server.project.id, base_url=server.base_url)
        yield c
        await c.close()
    engine.close()


def wait_for(predicate: Any, timeout: float = 30.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)
