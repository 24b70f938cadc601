"""A user's page of current memories: the same answer through every filter, whatever happened to the versions,
on SQLite and PostgreSQL; category filters and deep offsets cost no more than the plain first page; memories
stored before the category index (migration 13) are found by it."""

from __future__ import annotations

import json
import random
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from recallr.bootstrap import Engine
from recallr.engine.resources.portability import migrate_database
from recallr.store import Database
from recallr.store import memories as store
from recallr.store.database import _migrations, _statements
from recallr.store.memories import MemoryRecord

CATEGORIES = ["events", "hobbies", "work", "family", "travel"]
START = datetime(2024, 1, 1, tzinfo=UTC)


def _memory(user_id: str, session_id: str, rng: random.Random, *, chain_id: str | None = None, version: int = 1,
            categories: list[str] | None = None, minutes: int | None = None) -> MemoryRecord:
    memory_id = str(uuid.uuid4())
    # Few distinct times: many memories share created_at, so the order's tie-break (the id) is exercised.
    when = START + timedelta(minutes=rng.randrange(40) if minutes is None else minutes)
    cats = categories if categories is not None else rng.sample(CATEGORIES, rng.randint(1, 3))
    return MemoryRecord(id=memory_id, user_id=user_id, session_id=session_id, chain_id=chain_id or memory_id,
                        version_number=version, content=f"memory {memory_id}", categories=cats,
                        event_date_start=when, event_date_end=when, created_at=when)


def _user(engine: Engine, name: str, sessions: int) -> tuple[str, str, list[str]]:
    """A project's user with ``sessions`` sessions (metadata ``{"n": i % 3}``): (project id, user id, sessions)."""
    projects = engine.projects.all()
    project_id = projects[0].id if projects else engine.projects.create("p")[0].id
    engine.users.create(project_id, name)
    ids = [engine.sessions.create(project_id, name, metadata={"n": i % 3}).id for i in range(sessions)]
    with engine.db.read() as tx:
        user_id = tx.scalar("SELECT id FROM users WHERE project_id = ? AND custom_user_id = ?", [project_id, name])
    return project_id, user_id, ids


def _expected(engine: Engine, user_id: str, *, categories: list[str] | None, session_ids: list[str] | None,
              metadata: dict[str, Any] | None) -> list[str]:
    """The definition: the current versions, filtered in Python, newest first, ties by id."""
    with engine.db.read() as tx:
        current = store.current(tx, user_id)
        session_meta = {r["id"]: json.loads(r["metadata"]) for r in tx.all("SELECT id, metadata FROM sessions")}
    kept = [m for m in current
            if (not categories or set(categories) & set(m.categories))
            and (not session_ids or m.session_id in session_ids)
            and (not metadata or metadata.items() <= session_meta[m.session_id].items())]
    kept.sort(key=lambda m: m.id)
    kept.sort(key=lambda m: m.created_at, reverse=True)
    return [m.id for m in kept]


@pytest.fixture
def history(engine: Engine) -> Iterator[tuple[Engine, str, list[str]]]:
    """A user whose memories went through everything that changes which version is current: new versions
    (the old one expired), deletion of a current version (the previous one reinstated), deletion of a session
    (its memories gone, chains it advanced fall back), and a second user with the same categories."""
    rng = random.Random(16)
    project_id, user_id, sessions = _user(engine, "alice", 6)
    _, other_id, other_sessions = _user(engine, "bob", 1)
    with engine.db.write() as tx:
        firsts = [_memory(user_id, rng.choice(sessions[:5]), rng) for _ in range(120)]
        firsts.append(_memory(user_id, sessions[0], rng, categories=["events", "events", "work"]))
        firsts.append(_memory(user_id, sessions[0], rng, categories=[]))
        for memory in firsts:
            store.insert(tx, memory, [(memory.session_id, 0)])
        for _ in range(30):
            store.insert(tx, _memory(other_id, other_sessions[0], rng), [])
        for n, old in enumerate(firsts[:40]):  # 40 chains get a second version, from the last session for 10
            new = _memory(user_id, sessions[5] if n < 10 else old.session_id, rng, chain_id=old.chain_id,
                          version=2, minutes=100 + n)
            store.expire(tx, old.id, reason="updated", when=new.created_at)
            store.insert(tx, new, [(new.session_id, 1)])
    for old in firsts[10:20]:  # their second version deleted: the first is current again
        with engine.db.read() as tx:
            newest = store.chain(tx, [old.chain_id])[old.chain_id][-1]
        engine.memories.delete(project_id, "alice", newest.id)
    engine.memories.delete(project_id, "alice", firsts[50].id)
    engine.sessions.delete(project_id, "alice", sessions[5])
    yield engine, project_id, [user_id, *sessions[:5]]


FILTERS = [
    pytest.param({}, id="none"),
    pytest.param({"categories": ["events"]}, id="one-category"),
    pytest.param({"categories": ["work", "family"]}, id="two-categories"),
    pytest.param({"categories": ["travel", "travel"]}, id="repeated-category"),
    pytest.param({"categories": ["pets"]}, id="category-no-memory-has"),
    pytest.param({"categories": ["hobbies"], "sessions": 2}, id="category-and-sessions"),
    pytest.param({"sessions": 1}, id="one-session"),
    pytest.param({"categories": ["events", "travel"], "metadata": {"n": 1}}, id="categories-and-metadata"),
]


@pytest.mark.parametrize("wanted", FILTERS)
def test_a_page_is_the_filtered_current_memories_newest_first(history: tuple[Engine, str, list[str]],
                                                              wanted: dict[str, Any]) -> None:
    engine, project_id, (user_id, *sessions) = history
    categories = wanted.get("categories")
    session_ids = sessions[:wanted["sessions"]] if "sessions" in wanted else None
    metadata = wanted.get("metadata")
    expected = _expected(engine, user_id, categories=categories, session_ids=session_ids, metadata=metadata)
    assert expected or categories == ["pets"]
    for offset, limit in [(0, 20), (7, 13), (len(expected) - 3, 10), (len(expected), 5), (len(expected) + 50, 20)]:
        offset = max(offset, 0)
        views, total = engine.memories.page(project_id, "alice", offset=offset, limit=limit, categories=categories,
                                            session_ids=session_ids, session_metadata=metadata)
        assert total == len(expected)
        assert [v.memory.id for v in views] == expected[offset:offset + limit]
        assert all(v.memory.expired_at is None for v in views)


def _vm_steps(engine: Engine, **page: Any) -> int:
    """Thousands of SQLite virtual machine instructions the page takes: its work, free of the machine's load."""
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    with engine.db.read() as tx:
        project_id = tx.scalar("SELECT id FROM projects")
        conn: sqlite3.Connection = tx.conn
    conn.set_progress_handler(count, 1000)
    try:
        engine.memories.page(project_id, "bench", include_previous_versions=False, include_connected_memories=False,
                             **page)
    finally:
        conn.set_progress_handler(None, 0)
    return steps


def test_category_filters_and_deep_offsets_cost_about_the_first_page(tmp_path: Path) -> None:
    """3,000 memories all in one category: the filtered page and its total read an index, not every memory's
    categories, and a deep offset skips index entries, not rows."""
    from tests.conftest import make_settings

    engine = Engine(make_settings(tmp_path / "data"))
    try:
        rng = random.Random(3)
        _, user_id, sessions = _user(engine, "bench", 1)
        with engine.db.write() as tx:
            for n in range(3000):
                store.insert(tx, _memory(user_id, sessions[0], rng, categories=["events"], minutes=n), [])
        first = _vm_steps(engine, limit=20)
        assert first > 0
        for page in [{"categories": ["events"]}, {"offset": 2500}, {"categories": ["events"], "offset": 2500}]:
            assert _vm_steps(engine, limit=20, **page) <= 2 * first + 5, page
    finally:
        engine.close()


def _statements_for(engine: Engine, project_id: str, **page: Any) -> int:
    statements: list[str] = []
    with engine.db.read() as tx:
        conn: sqlite3.Connection = tx.conn
    conn.set_trace_callback(statements.append)
    try:
        views, _ = engine.memories.page(project_id, "alice", **page)
    finally:
        conn.set_trace_callback(None)
    assert len(views) == page["limit"]
    return len(statements)


def test_a_page_reads_its_memories_versions_sources_and_links_in_a_fixed_number_of_queries(tmp_path: Path) -> None:
    """No query per memory (N+1): 5 memories or 100, with their versions, sources and connected memories."""
    from tests.conftest import make_settings

    engine = Engine(make_settings(tmp_path / "data"))
    try:
        rng = random.Random(5)
        project_id, user_id, sessions = _user(engine, "alice", 2)
        chains: list[str] = []
        with engine.db.write() as tx:
            for n in range(150):
                old = _memory(user_id, sessions[0], rng, minutes=n)
                new = _memory(user_id, sessions[1], rng, chain_id=old.chain_id, version=2, minutes=1000 + n)
                store.insert(tx, old, [(old.session_id, 0)])
                store.expire(tx, old.id, reason="updated", when=new.created_at)
                store.insert(tx, new, [(new.session_id, 1), (new.session_id, 2)])
                if chains:
                    store.connect(tx, user_id, [(new.chain_id, chains[-1], "related")])
                chains.append(new.chain_id)
        for page in [{}, {"categories": ["events", "work", "travel", "family", "hobbies"]}, {"offset": 40}]:
            few, many = (_statements_for(engine, project_id, limit=limit, **page) for limit in (5, 100))
            assert 0 < few == many, page
    finally:
        engine.close()


def _schema_before_13(db: Database) -> None:
    with db.write() as tx:
        tx.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                   "applied_at BIGINT NOT NULL)")
        for version, name, script in _migrations(tx.dialect):
            if version < 13:
                for statement in _statements(script):
                    tx.execute(statement)
                tx.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", [version, name])
        tx.execute("INSERT INTO projects VALUES ('p', 'p', FALSE, 0)")
        tx.execute("INSERT INTO users (id, project_id, custom_user_id, metadata, created_at, last_active_at) "
                   "VALUES ('u', 'p', 'alice', '{}', 0, 0)")
        tx.execute("INSERT INTO sessions (id, user_id, status, metadata, created_at, last_activity_at) "
                   "VALUES ('s', 'u', 'processed', '{}', 0, 0)")
        rows = [("a", '["events","work"]', 3, None), ("b", '["work","work"]', 2, None),
                ("c", '["events"]', 1, 5), ("d", "[]", 4, None), ("e", '["travel"]', 5, None),
                # What no version wrote but an archive import could have: only the strings of an array count.
                ("f", '{"events":"family"}', 6, None), ("g", '[1,"family",null]', 7, None),
                ("h", '["travel",NaN]', 8, None), ("i", '"events"', 9, None)]
        for memory_id, categories, created, expired in rows:
            tx.execute("INSERT INTO memories (id, user_id, session_id, chain_id, version_number, content, categories, "
                       "entities, event_date_start, event_date_end, created_at, expired_at) "
                       "VALUES (?, 'u', 's', ?, 1, 'x', ?, '[]', 0, 0, ?, ?)",
                       [memory_id, memory_id, categories, created, expired])


def test_an_imported_archive_filters_by_category_as_its_source(history: tuple[Engine, str, list[str]],
                                                              tmp_path: Path) -> None:
    """Import writes memory rows itself (store/archive.py): their categories are indexed there too."""
    engine, _, (user_id, *_) = history
    target = Database(f"sqlite:///{tmp_path / 'copy.db'}")
    try:
        target.migrate()
        migrate_database(engine.db, target)
        for categories in (["events"], ["work", "family"], ["travel"]):
            pages = []
            for db in (engine.db, target):
                with db.read() as tx:
                    rows, total = store.page_current(tx, user_id, offset=0, limit=200, categories=categories,
                                                     session_ids=None, session_metadata=None)
                pages.append(([m.id for m in rows], total))
            assert pages[0][1] > 0 and pages[0] == pages[1], categories
    finally:
        target.close()


def _category_page(db: Database, *categories: str) -> tuple[list[str], int]:
    with db.read() as tx:
        rows, total = store.page_current(tx, "u", offset=0, limit=10, categories=categories, session_ids=None,
                                         session_metadata=None)
    return [m.id for m in rows], total


def test_upgrade_indexes_the_categories_of_memories_stored_before(tmp_path: Path, database_url: str | None) -> None:
    db = Database(database_url or f"sqlite:///{tmp_path / 'r.db'}")
    try:
        _schema_before_13(db)
        assert 13 in db.migrate()
        assert _category_page(db, "events") == (["a"], 1)  # c is expired
        assert _category_page(db, "work") == (["a", "b"], 2)
        assert _category_page(db, "work", "events", "travel") == (["e", "a", "b"], 3)
        assert _category_page(db, "family") == (["g"], 1)
        assert _category_page(db, "pets") == ([], 0)
        with db.write() as tx:
            store.reinstate(tx, "c")
            store.expire(tx, "a", reason="updated", when=START)
        assert _category_page(db, "events") == (["c"], 1)
    finally:
        db.close()
