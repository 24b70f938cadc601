"""The CLI through click's runner: init, keys create/list/revoke."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from recallr.bootstrap import Engine
from recallr.cli import main
from recallr.exceptions import AuthenticationError
from recallr.settings import Settings


def test_init_json_and_keys(tmp_path: Path) -> None:
    runner = CliRunner()
    data = str(tmp_path / "data")
    result = runner.invoke(main, ["init", "--data-dir", data, "--json"])
    assert result.exit_code == 0, result.output
    created = json.loads(result.output)
    assert created["api_key"].startswith("rai_") and len(created["api_key"]) >= 4 + 32

    again = runner.invoke(main, ["init", "--data-dir", data, "--if-absent"])
    assert again.exit_code == 0 and "already exists" in again.output

    made = runner.invoke(main, ["keys", "create", "--data-dir", data, "--json", "--name", "ci"])
    assert made.exit_code == 0, made.output
    key = json.loads(made.output)
    listed = runner.invoke(main, ["keys", "list", "--data-dir", data])
    assert key["key_id"] in listed.output and key["api_key"] not in listed.output and "active" in listed.output

    engine = Engine(Settings(data_dir=Path(data)))
    try:
        assert engine.projects.authenticate(created["project_id"], key["api_key"]) == created["project_id"]
        revoked = runner.invoke(main, ["keys", "revoke", "--data-dir", data, key["key_id"]])
        assert revoked.exit_code == 0, revoked.output
        try:
            engine.projects.authenticate(created["project_id"], key["api_key"])
            raise AssertionError("revoked key still works")
        except AuthenticationError:
            pass
        with engine.db.read() as tx:
            stored = [row[0] for row in tx.all("SELECT key_hash FROM api_keys")]
        assert created["api_key"] not in stored and all(len(h) == 64 for h in stored)
    finally:
        engine.close()
    bad = runner.invoke(main, ["keys", "revoke", "--data-dir", data, "no-such-key"])
    assert bad.exit_code != 0 and "No active key" in bad.output


def test_categories_and_project_settings(tmp_path: Path) -> None:
    runner = CliRunner()
    data = str(tmp_path / "data")
    assert runner.invoke(main, ["init", "--data-dir", data]).exit_code == 0
    listed = runner.invoke(main, ["categories", "list", "--data-dir", data])
    assert "food_preferences:" in listed.output and "allergies:" in listed.output
    added = runner.invoke(main, ["categories", "add", "--data-dir", data, "sports", "Sports the user plays"])
    assert added.exit_code == 0, added.output
    bad = runner.invoke(main, ["categories", "add", "--data-dir", data, "Not Snake", "x"])
    assert bad.exit_code != 0
    assert runner.invoke(main, ["categories", "update", "--data-dir", data, "sports", "Sports"]).exit_code == 0
    assert "sports: Sports" in runner.invoke(main, ["categories", "list", "--data-dir", data]).output
    assert runner.invoke(main, ["categories", "remove", "--data-dir", data, "sports"]).exit_code == 0
    assert "sports:" not in runner.invoke(main, ["categories", "list", "--data-dir", data]).output
    shown = runner.invoke(main, ["project", "--data-dir", data, "--merge-conflicts", "on"])
    assert shown.exit_code == 0 and "merge_conflicts: on" in shown.output
