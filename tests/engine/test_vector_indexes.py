"""Users with a vector index of their own (PostgreSQL): recall reads only each query's candidates from it and
finds what exact, in-process search finds; the worker and ``recallr vector-indexes`` build and drop the indexes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner

from recallr import RecallrAI
from recallr.cli import main
from recallr.engine.recall import windows
from recallr.models import MessageRole
from tests.conftest import shared_embedder, wait_for

SESSIONS = [
    ["I'm allergic to peanuts.", "My dog Max loves the beach.", "I work as a nurse at St Mary's hospital.",
     "I live in Paris.", "My sister Anna plays the cello.", "I ran a marathon in Porto last spring."],
    ["I moved to Berlin.", "Anna started teaching music at a school in Lyon.", "Max had surgery on his paw."],
]
QUESTIONS = [("What is my dog called?", "balanced"), ("Where do I work?", "low_latency"),
             ("Where did I live before Berlin?", "agentic"), ("Which instrument does Anna play and where?", "deep")]


def _client(data: Path, url: str | None, **settings: Any) -> RecallrAI:
    client = RecallrAI.embedded(data, database_url=url, worker_poll_seconds=0.05, **settings)
    client._embedded.engine._embedder = shared_embedder()
    return client


def _populate(client: RecallrAI) -> None:
    user = client.create_user("ann")
    for day, texts in enumerate(SESSIONS, start=8):
        session = user.create_session(custom_created_at_utc=datetime(2023, 5, day, tzinfo=UTC))
        for text in texts:
            session.add_message(MessageRole.USER, text)
        session.process(wait=True)


def _recalled(client: RecallrAI) -> list[tuple[Any, ...]]:
    user = client.get_user("ann")
    found = []
    for question, strategy in QUESTIONS:
        session = user.create_session()
        session.add_message(MessageRole.USER, question)
        meta = session.get_context(recall_strategy=strategy, min_top_k=5, include_metadata_ids=True,
                                   include_system_prompt=False).metadata
        found.append((strategy, meta.memory_ids, meta.session_ids, meta.model_extra.get("sources") if
                      meta.model_extra else None))
    return found


def _cli(data: Path, url: str | None, *args: str) -> str:
    result = CliRunner().invoke(main, ["vector-indexes", "--data-dir", str(data), *(
        ["--database-url", url] if url else []), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_recall_through_a_users_own_index_finds_what_exact_search_finds(tmp_path: Path,
                                                                          database_url: str | None) -> None:
    with _client(tmp_path, database_url, ann_min_memories=0) as client:
        _populate(client)
        exact = _recalled(client)
    built = _cli(tmp_path, database_url, "--min-memories", "1")
    if database_url:
        assert built.count("built ann_") == 2, built  # the user's memories and messages
    else:
        assert "nothing to do" in built
    with _client(tmp_path, database_url, ann_min_memories=1) as client:
        assert _recalled(client) == exact
        paris = [m for m in client.get_user("ann").list_memories().items if m.content == "User moved to Berlin."]
    assert all(memory_ids for _, memory_ids, _, _ in exact)
    # The question about the past shows the earlier version (loaded by id on the indexed path) too.
    [previous] = paris[0].previous_versions or []
    assert previous.content == "User lives in Paris." and previous.memory_id in exact[2][1]


class Postgres:
    """Plain SQL on the test's schema, to look at what the engine did."""

    def __init__(self, url: str) -> None:
        self.conn = psycopg.connect(url, autocommit=True)

    def value(self, sql: str, *params: Any) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def index_names(self) -> set[str]:
        rows = self.conn.execute("SELECT relname FROM pg_class WHERE relkind = 'i' AND relname LIKE 'ann\\_%%' "
                                 "AND relnamespace = current_schema()::regnamespace").fetchall()
        return {row[0] for row in rows}

    def index_scans(self, name: str) -> int:
        return int(self.value("SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = %s "
                              "AND schemaname = current_schema()", name) or 0)


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Postgres]:
    db = Postgres(postgres_url)
    yield db
    db.conn.close()


@pytest.mark.postgres
def test_the_worker_builds_a_users_index_and_recall_reads_it(tmp_path: Path, postgres_url: str,
                                                              pg: Postgres) -> None:
    # With a handful of rows PostgreSQL rightly prefers scanning them to walking the graph; at scale it takes the
    # index (benchmarks/ann.py). Here sequential scans are priced out so that the index's use can be observed.
    url = postgres_url.replace("options=", "options=-cenable_seqscan%3Doff%20")
    # 7: the indexes are built once both sessions are in (6 rows each after the first), so their row counts are the
    # final ones (a build after the first session would be refreshed only once the rows grow by half).
    with _client(tmp_path, url, ann_min_memories=7) as client:
        _populate(client)
        user_id = pg.value("SELECT id FROM users WHERE custom_user_id = 'ann'")
        wait_for(lambda: pg.value("SELECT COUNT(*) FROM vector_indexes WHERE user_id = %s", user_id) == 2)
        rows = dict(pg.conn.execute("SELECT corpus, row_count FROM vector_indexes").fetchall())
        assert rows["memories"] == pg.value("SELECT COUNT(*) FROM memories WHERE expired_at IS NULL")
        assert rows["messages"] == pg.value("SELECT COUNT(*) FROM message_vectors")
        [memory_index] = [n for n in pg.index_names() if n.startswith("ann_memories_")]
        assert len(pg.index_names()) == 2
        _recalled(client)
        wait_for(lambda: pg.index_scans(memory_index) > 0, timeout=10)  # statistics reach the view within ~1 s


@pytest.mark.postgres
def test_indexes_are_dropped_when_no_longer_needed(tmp_path: Path, postgres_url: str, pg: Postgres) -> None:
    with _client(tmp_path, postgres_url, ann_min_memories=0) as client:
        _populate(client)
        client.create_user("bob")
    assert "2 change(s)" in _cli(tmp_path, postgres_url, "--min-memories", "1")
    assert "0 change(s)" in _cli(tmp_path, postgres_url, "--min-memories", "1")  # nothing left to do
    # The user shrank below half the threshold: both indexes go (a user near it keeps theirs).
    assert _cli(tmp_path, postgres_url, "--min-memories", "12").count("dropped") == 0
    assert _cli(tmp_path, postgres_url, "--min-memories", "1000").count("dropped ann_") == 2
    assert pg.index_names() == set() and pg.value("SELECT COUNT(*) FROM vector_indexes") == 0
    # A deleted user's indexes go too (their records went with them): the command drops them, and so does every
    # worker when it starts and every few minutes after.
    _cli(tmp_path, postgres_url, "--min-memories", "1")
    with _client(tmp_path, postgres_url, ann_min_memories=1) as client:
        client.get_user("ann").delete()
    assert len(pg.index_names()) == 2
    assert _cli(tmp_path, postgres_url, "--min-memories", "1").count("(no user needs it)") == 2
    assert pg.index_names() == set()
    with _client(tmp_path, postgres_url, ann_min_memories=0) as client:
        _populate(client)
    _cli(tmp_path, postgres_url, "--min-memories", "1")
    with _client(tmp_path, postgres_url, ann_min_memories=1) as client:
        client.get_user("ann").delete()
    with _client(tmp_path, postgres_url, ann_min_memories=1):
        wait_for(lambda: pg.index_names() == set(), timeout=10)
    # Turning the feature off drops every index, each once.
    with _client(tmp_path, postgres_url, ann_min_memories=0) as client:
        _populate(client)
    _cli(tmp_path, postgres_url, "--min-memories", "1")
    off = _cli(tmp_path, postgres_url, "--min-memories", "0")
    assert off.count("dropped ann_") == 2 and "2 change(s); vector indexes are off" in off, off
    assert pg.index_names() == set() and pg.value("SELECT COUNT(*) FROM vector_indexes") == 0


@pytest.mark.postgres
def test_vectors_written_before_the_column_existed_are_filled_in(tmp_path: Path, postgres_url: str,
                                                                   pg: Postgres) -> None:
    with _client(tmp_path, postgres_url, ann_min_memories=0) as client:
        _populate(client)
        exact = _recalled(client)
    pg.conn.execute("UPDATE message_vectors SET vec = NULL")
    pg.conn.execute("UPDATE memories SET vec = NULL")
    _cli(tmp_path, postgres_url, "--min-memories", "1")
    assert pg.value("SELECT COUNT(*) FROM message_vectors WHERE vec IS NULL") == 0
    assert pg.value("SELECT COUNT(*) FROM memories WHERE vec IS NULL AND embedding IS NOT NULL") == 0
    with _client(tmp_path, postgres_url, ann_min_memories=1) as client:
        assert _recalled(client) == exact


def test_the_command_says_what_it_does_on_sqlite(tmp_path: Path) -> None:
    assert "PostgreSQL feature" in _cli(tmp_path, None)


@pytest.mark.postgres
def test_a_window_holds_only_the_querys_candidates_and_loads_what_recall_adds(tmp_path: Path, postgres_url: str,
                                                                             pg: Postgres) -> None:
    with _client(tmp_path, postgres_url, ann_min_memories=1) as client:
        _populate(client)
        engine = client._embedded.engine
        user_id = pg.value("SELECT id FROM users WHERE custom_user_id = 'ann'")
        wait_for(lambda: pg.value("SELECT COUNT(*) FROM vector_indexes WHERE user_id = %s", user_id) == 2)
        current = [m.memory_id for m in client.get_user("ann").list_memories().items]
        [previous] = pg.conn.execute("SELECT id FROM memories WHERE expired_at IS NOT NULL").fetchall()
        query = engine.embedder.embed(["What is my dog called?"])
        with engine.db.read() as tx:
            index = engine.recall.cache.get(tx, user_id, engine.embedder.dim)
            assert len(index.memories) == len(index.messages) == 0 and set(index.centers) == {"memories", "messages"}
            window = windows.narrow(tx, user_id, index, query, pool=1, message_pool=1, breadth=10, memory_hits=[],
                                    message_hits=[])
            assert len(window.memories) == len(window.messages) == 1 and len(index.memories) == 0
            windows.include(tx, window, current)  # connected memories the window lacks are loaded by id
            assert sorted(window.memories.ids) == sorted(current)
            windows.past(tx, user_id, window, set(window.memories.extra.column("chain_id")), query[0])
            assert window.expired.ids == [previous[0]]
