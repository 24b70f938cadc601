"""The SQLite store: pragmas, migrations, cascades, UTC timestamps."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest

from recallr.bootstrap import Engine
from recallr.exceptions import ConfigurationError
from recallr.settings import Settings
from recallr.store import Database
from recallr.store.records import to_dt, to_us
from tests.conftest import POSTGRES_URL, wait_for


def test_migrations_are_numbered_and_idempotent(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    assert db.migrate()[0] == 1
    assert db.migrate() == []
    with db.read() as tx:
        assert tx.scalar("PRAGMA journal_mode") == "wal"
        assert tx.scalar("PRAGMA foreign_keys") == 1
        assert tx.scalar("SELECT MIN(version) FROM schema_migrations") == 1
    db.close()


def test_deleting_a_user_cascades(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    db.migrate()
    with db.write() as tx:
        tx.execute("INSERT INTO projects VALUES ('p', 'p', FALSE, 0)")
        tx.execute("INSERT INTO users (id, project_id, custom_user_id, metadata, created_at, last_active_at) "
                   "VALUES ('u', 'p', 'alice', '{}', 0, 0)")
        tx.execute("INSERT INTO sessions (id, user_id, status, metadata, created_at, last_activity_at) "
                   "VALUES ('s', 'u', 'pending', '{}', 0, 0)")
        tx.execute("INSERT INTO messages (session_id, user_id, position, role, content, timestamp, indexed) "
                   "VALUES ('s', 'u', 0, 'user', 'peanut allergy', 0, TRUE)")
        tx.dialect.index_text(tx, "messages", [(1, "peanut allergy")])
    with db.write() as tx:
        tx.execute("DELETE FROM users WHERE id = 'u'")
    with db.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM sessions") == 0
        assert tx.scalar("SELECT COUNT(*) FROM messages") == 0
        assert tx.scalar("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'peanut'") == 0
        assert tx.scalar("SELECT COUNT(*) FROM message_search") == 0
    db.close()


def test_message_index_holds_the_text_given_and_forgets_it_with_the_message(tmp_path: Path) -> None:
    """The full-text index of a message is the (redacted) text handed to it, not the stored content, and a
    deleted message leaves nothing searchable behind."""
    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    db.migrate()
    with db.write() as tx:
        tx.execute("INSERT INTO projects VALUES ('p', 'p', FALSE, 0)")
        tx.execute("INSERT INTO users (id, project_id, custom_user_id, metadata, created_at, last_active_at) "
                   "VALUES ('u', 'p', 'alice', '{}', 0, 0)")
        tx.execute("INSERT INTO sessions (id, user_id, status, metadata, created_at, last_activity_at) "
                   "VALUES ('s', 'u', 'pending', '{}', 0, 0)")
        for position, text in enumerate(["my password is hunter2", "my gmail password is swordfish9"]):
            tx.execute("INSERT INTO messages (session_id, user_id, position, role, content, timestamp, indexed) "
                       "VALUES ('s', 'u', ?, 'user', ?, 0, TRUE)", [position, text])
        tx.dialect.index_text(tx, "messages", [(1, "my password is [redacted]"),
                                               (2, "my gmail password is [redacted]")])

    def hits(term: str) -> list[object]:
        with db.read() as tx:
            return [i for i, _ in tx.dialect.search_text(tx, "messages", term, where="t.user_id = ?",
                                                         params=["u"], limit=10)]

    assert hits("hunter2") == [] and hits("swordfish9") == []
    assert sorted(hits("password")) == [1, 2] and hits("gmail") == [2]
    with db.write() as tx:
        tx.execute("DELETE FROM messages WHERE id = 2")
    assert hits("gmail") == [] and hits("password") == [1]
    with db.write() as tx:
        tx.execute("DELETE FROM sessions WHERE id = 's'")
        assert tx.scalar("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'password'") == 0
        assert tx.scalar("SELECT COUNT(*) FROM message_search") == 0
    db.close()


def test_timestamps_round_trip_in_utc() -> None:
    micros = 1_683_554_160_123_456
    value = to_dt(micros)
    assert value is not None and value.utcoffset() is not None and value.utcoffset().total_seconds() == 0
    assert to_us(value) == micros


def test_upgrade_keeps_messages_indexed_before_migration_7_searchable(tmp_path: Path) -> None:
    from recallr.store.database import _migrations, _statements

    db = Database(f"sqlite:///{tmp_path / 'r.db'}")
    with db.write() as tx:  # the schema as version 6 left it, with one indexed message
        tx.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                   "applied_at BIGINT NOT NULL)")
        for version, name, script in _migrations(tx.dialect):
            if version < 7:
                for statement in _statements(script):
                    tx.execute(statement)
                tx.execute("INSERT INTO schema_migrations VALUES (?, ?, 0)", [version, name])
        tx.execute("INSERT INTO projects VALUES ('p', 'p', FALSE, 0)")
        tx.execute("INSERT INTO users (id, project_id, custom_user_id, metadata, created_at, last_active_at) "
                   "VALUES ('u', 'p', 'alice', '{}', 0, 0)")
        tx.execute("INSERT INTO sessions (id, user_id, status, metadata, created_at, last_activity_at) "
                   "VALUES ('s', 'u', 'pending', '{}', 0, 0)")
        tx.execute("INSERT INTO messages (session_id, user_id, position, role, content, timestamp, indexed) "
                   "VALUES ('s', 'u', 0, 'user', 'peanut allergy', 0, TRUE)")
        tx.execute("INSERT INTO messages_fts(rowid, content) VALUES (1, 'peanut allergy')")
    assert 7 in db.migrate()
    with db.write() as tx:
        assert [i for i, _ in tx.dialect.search_text(tx, "messages", "peanut", where="t.user_id = ?",
                                                     params=["u"], limit=5)] == [1]
        tx.execute("DELETE FROM sessions WHERE id = 's'")
        assert tx.scalar("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'peanut'") == 0


def _open_connections(application_name: str) -> int:
    import psycopg


    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                           [application_name]).fetchone()
    return int(row[0]) if row else 0


def _without_pgvector(postgres_url: str) -> tuple[str, str]:
    """The throwaway schema's URL with ``public`` (where the ``vector`` type lives) off the search path: migration 3
    fails as on a server without pgvector. Returns the URL and its connections' application name."""
    name = f"recallr_leak_{uuid.uuid4().hex[:8]}"
    assert ",public" in postgres_url
    return f"{postgres_url.replace(',public', '')}&application_name={name}", name


@pytest.mark.postgres
def test_a_failed_migration_leaves_no_connection_open(postgres_url: str) -> None:
    url, name = _without_pgvector(postgres_url)
    db = Database(url)
    with pytest.raises(ConfigurationError, match="pgvector"):
        db.migrate()
    wait_for(lambda: _open_connections(name) == 0, timeout=5)
    db.close()


@pytest.mark.postgres
def test_an_engine_that_cannot_migrate_closes_its_database(postgres_url: str, tmp_path: Path) -> None:
    url, name = _without_pgvector(postgres_url)
    with pytest.raises(ConfigurationError, match="pgvector") as raised:
        Engine(Settings(data_dir=tmp_path, database_url=url))
    # the traceback still references the half-built engine: its connection must be closed all the same
    assert raised.traceback
    wait_for(lambda: _open_connections(name) == 0, timeout=5)


def test_a_file_that_is_no_database_is_closed_after_the_error(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    path.write_bytes(b"not a database, " * 1024)
    db = Database(f"sqlite:///{path}")
    with pytest.raises(sqlite3.DatabaseError):
        db.migrate()
    db.close()
