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
        tx.execute("INSERT INTO messages_fts(rowid, content) VALUES (1, 'peanut allergy')")
    with db.write() as tx:
        tx.execute("DELETE FROM users WHERE id = 'u'")
    with db.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM sessions") == 0
        assert tx.scalar("SELECT COUNT(*) FROM messages") == 0
        assert tx.scalar("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'peanut'") == 0
    db.close()


def test_timestamps_round_trip_in_utc() -> None:
    micros = 1_683_554_160_123_456
    value = to_dt(micros)
    assert value is not None and value.utcoffset() is not None and value.utcoffset().total_seconds() == 0
    assert to_us(value) == micros
