"""The SQLite store: pragmas, migrations, cascades, UTC timestamps."""

from __future__ import annotations

from pathlib import Path

from recallr.store import Database
from recallr.store.records import to_dt, to_us


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
    db.close()
