"""The SQLite files hold every memory: private to the user running Recallr (directories 0700, files 0600)."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from recallr import RecallrAI
from recallr.store import Database


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: modes must not depend on the user's umask to be private."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def _database_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.name.startswith("recallr.db"))


def test_new_data_dir_and_database_files_are_private(tmp_path: Path, open_umask: None) -> None:
    data_dir = tmp_path / "deep" / "data"
    with RecallrAI.embedded(data_dir, run_worker=False) as client:
        client.create_user("alice").create_session().add_message(role="user", content="I live in Paris.")
        files = _database_files(data_dir)
        assert {p.name for p in files} >= {"recallr.db", "recallr.db-wal", "recallr.db-shm"}  # open: WAL in use
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert _mode(data_dir) == 0o700 and _mode(tmp_path / "deep") == 0o700
    assert all(_mode(p) == 0o600 for p in _database_files(data_dir))


def test_an_older_too_open_data_dir_is_tightened(tmp_path: Path, open_umask: None) -> None:
    data_dir = tmp_path / "data"
    older = Database(f"sqlite:///{data_dir}/recallr.db")  # still open: its -wal and -shm files exist
    older.migrate()
    data_dir.chmod(0o755)  # as versions before 0700/0600 left them
    for file in _database_files(data_dir):
        file.chmod(0o644)
    assert {p.name for p in _database_files(data_dir)} == {"recallr.db", "recallr.db-wal", "recallr.db-shm"}
    db = Database(f"sqlite:///{data_dir}/recallr.db")
    with db.read() as tx:
        assert tx.scalar("SELECT COUNT(*) FROM users") == 0
    db.close()
    older.close()
    assert _mode(data_dir) == 0o700
    assert all(_mode(p) == 0o600 for p in _database_files(data_dir))


def test_the_configured_data_dir_is_private_whatever_else_it_holds(tmp_path: Path, open_umask: None) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o755)
    (data_dir / "backup.json").write_text("{}")  # RECALLR_DATA_DIR is Recallr's own directory by definition
    RecallrAI.embedded(data_dir, run_worker=False).close()
    assert _mode(data_dir) == 0o700 and _mode(data_dir / "recallr.db") == 0o600


def test_a_shared_directory_is_left_alone_with_a_warning(tmp_path: Path, open_umask: None,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    shared = tmp_path / "project"
    shared.mkdir(mode=0o755)
    (shared / "notes.txt").write_text("not Recallr's")
    with caplog.at_level(logging.WARNING, logger="recallr.store"):
        Database(f"sqlite:///{shared}/app.db").close()
    assert _mode(shared) == 0o755  # other things live here: not ours to change
    assert _mode(shared / "app.db") == 0o600
    assert any("chmod 700" in record.getMessage() for record in caplog.records)


def test_a_data_dir_made_for_the_secret_key_alone_is_private(tmp_path: Path, open_umask: None) -> None:
    """With PostgreSQL, the data directory may hold only ``secret.key`` (project LLM keys): it is private too."""
    pytest.importorskip("cryptography")
    from recallr.llm.keybox import SECRET_FILE, KeyBox
    from recallr.settings import Settings

    data_dir = tmp_path / "data"
    box = KeyBox(Settings(data_dir=data_dir), shared_database=True)
    assert box.open(box.seal("sk-project")) == "sk-project"
    assert _mode(data_dir) == 0o700 and _mode(data_dir / SECRET_FILE) == 0o600
