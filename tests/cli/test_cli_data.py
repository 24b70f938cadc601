"""``recallr export``, ``import`` and ``migrate`` through click's runner (and a terminal, for progress)."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from recallr.cli import main
from recallr.engine import Engine
from recallr.settings import Settings

from ..conftest import _postgres_schema
from ..engine.archive_history import api_reads, build_history
from ..engine.test_portability import open_client, without_header_time


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args))


def ok_json(*args: str) -> Any:
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any], dict[str, Any]]:
    """(data dir, init's project and key, API reads) of a SQLite deployment holding ``build_history``."""
    data = tmp_path_factory.mktemp("cli") / "data"
    created = ok_json("init", "--data-dir", str(data), "--json")
    with open_client(data, None) as client:
        build_history(client)
        reads = api_reads(client)
    return data, created, reads


def reads_of(data: Path, database_url: str | None = None) -> dict[str, Any]:
    with open_client(data, database_url, worker=False) as client:
        return api_reads(client)


@pytest.mark.postgres
def test_migrate_sqlite_to_postgres_and_back(source: tuple[Path, dict[str, Any], dict[str, Any]],
                                             tmp_path: Path) -> None:
    data, created, before = source
    original = tmp_path / "original.jsonl"
    ok_json("export", "--data-dir", str(data), "--include-secrets", "--out", str(original), "--json")
    for postgres in _postgres_schema():
        there = ok_json("migrate", "--from-data-dir", str(data), "--to-database-url", postgres, "--json")
        assert there["written"] == there["read"] and there["written"]["api_keys"] == 1
        assert json.dumps(reads_of(tmp_path / "unused", postgres), sort_keys=True) == json.dumps(before,
                                                                                                  sort_keys=True)
        again = invoke("migrate", "--from-data-dir", str(data), "--to-database-url", postgres)
        assert again.exit_code == 1 and again.output.count("\n") == 1 and "--on-conflict" in again.output
        assert "Traceback" not in again.output and postgres not in again.output
        back = tmp_path / "back"
        ok_json("migrate", "--from-database-url", postgres, "--to-data-dir", str(back), "--json")
    assert json.dumps(reads_of(back), sort_keys=True) == json.dumps(before, sort_keys=True)
    final = tmp_path / "final.jsonl"
    ok_json("export", "--data-dir", str(back), "--include-secrets", "--out", str(final), "--json")
    assert without_header_time(final.read_bytes()) == without_header_time(original.read_bytes())
    engine = Engine(Settings(data_dir=back))
    try:  # the key made on SQLite still opens the project after the round trip
        assert engine.projects.authenticate(created["project_id"], created["api_key"]) == created["project_id"]
    finally:
        engine.close()


def test_export_one_user_then_import_it(source: tuple[Path, dict[str, Any], dict[str, Any]], tmp_path: Path) -> None:
    data, _, before = source
    out = tmp_path / "alice.jsonl"
    result = invoke("export", "--data-dir", str(data), "--user-id", "alice", "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert result.output.count("\n") == 1, "--json prints one line and no progress"
    assert json.loads(result.output)["counts"]["users"] == 1
    rows = [json.loads(line) for line in out.read_bytes().splitlines()]
    users = [r["row"] for r in rows if r.get("table") == "users"]
    assert [u["custom_user_id"] for u in users] == ["alice"]
    assert {r["table"] for r in rows if "table" in r} >= {"projects", "categories", "sessions", "messages",
                                                           "memories", "session_summaries"}
    assert not any(r.get("table") in ("api_keys", "project_llm_settings", "llm_usage") for r in rows)
    alice_id = users[0]["id"]
    assert all(r["row"]["user_id"] == alice_id for r in rows if "user_id" in r.get("row", {}))

    target = tmp_path / "target"
    imported = invoke("import", str(out), "--data-dir", str(target))
    assert imported.exit_code == 0, imported.output
    assert imported.output.startswith("Imported ") and "users 1" in imported.output
    after = reads_of(target)
    assert {k: v for k, v in after.items() if "/users/alice" in k} == {
        k: v for k, v in before.items() if "/users/alice" in k}
    assert [u["custom_user_id"] for u in after["users"]["users"]] == ["alice"]


@pytest.mark.parametrize(("args", "message"), [
    pytest.param(["export", "--user-id", "nobody"], "User nobody not found", id="unknown-user"),
    pytest.param(["export", "--user-id", "alice", "--include-secrets"], "whole database", id="user-with-secrets"),
    pytest.param(["import", "{archive}"], "not JSON", id="garbage-archive"),
    pytest.param(["migrate", "--from-data-dir", "{data}", "--from-database-url", "postgresql://x/y",
                  "--to-data-dir", "{tmp}/t"], "exactly one of --from-data-dir", id="two-sources"),
    pytest.param(["migrate", "--from-data-dir", "{tmp}/none", "--to-data-dir", "{tmp}/t"], "No Recallr database",
                 id="missing-source"),
])
def test_user_errors_are_one_line(source: tuple[Path, dict[str, Any], dict[str, Any]], tmp_path: Path,
                                  args: list[str], message: str) -> None:
    data, _, _ = source
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("this is no archive\n")
    values = {"data": str(data), "tmp": str(tmp_path), "archive": str(garbage)}
    argv = [a.format(**values) for a in args]
    if argv[0] in ("export", "import"):
        argv += ["--data-dir", str(data if argv[0] == "export" else tmp_path / "target")]
    if argv[0] == "export":
        argv += ["--out", str(tmp_path / "out.jsonl")]
    result = invoke(*argv)
    assert result.exit_code == 1 and message in result.output, result.output
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert not (tmp_path / "out.jsonl").exists() and not (tmp_path / "out.jsonl.partial").exists()


def test_progress_on_a_terminal_only(source: tuple[Path, dict[str, Any], dict[str, Any]], tmp_path: Path) -> None:
    data, _, _ = source
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "recallr", "export", "--data-dir", str(data), "--out", str(tmp_path / "a.jsonl")]
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=terminal, env=env, timeout=120, check=True)
        os.close(terminal)
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
    assert b"export: 100%" in shown and b"rows/s" in shown, shown
    assert done.stdout.decode().startswith("Exported ")
    piped = subprocess.run(command, capture_output=True, env=env, timeout=120, check=True)
    assert piped.stderr == b"" and piped.stdout.decode().count("\n") == 1
